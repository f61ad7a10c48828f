"""The bulk-write helpers leave the connection and the interpreter as they found them."""

import gc

import pytest
from django.db import connection

from vicino.core.bulk import BULK_CACHE_KIB, BULK_CHECKPOINT_PAGES, batch_collected, bulk_writing, collector_paused


def test_the_collector_is_off_inside_and_back_on_after_even_when_the_work_fails():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            pass
        assert not gc.isenabled()  # an inner pause does not switch it back on early
        raise RuntimeError
    assert gc.isenabled()


def test_a_batch_leaves_no_cycles_behind():
    class Node:
        pass

    with collector_paused():
        node = Node()
        node.itself = node
        del node
        assert any(isinstance(o, Node) for o in gc.get_objects())  # the collector is off: the cycle is still there
        batch_collected()
        # (Not the young generation's size: threads left by other tests allocate meanwhile and made that flaky.)
        assert not any(isinstance(o, Node) for o in gc.get_objects())


@pytest.mark.django_db
def test_bulk_writing_puts_the_connection_settings_back():
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite connections are tuned for bulk writing")

    def settings():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            cache = cursor.fetchone()[0]
            cursor.execute("PRAGMA wal_autocheckpoint")
            return cache, cursor.fetchone()[0]

    before = settings()
    with bulk_writing():
        during = settings()
    assert during == (-BULK_CACHE_KIB, BULK_CHECKPOINT_PAGES)
    assert settings() == before
