"""Background work of the people app: imports and the daily consent expiry."""

from django.tasks import task

from vicino.core.models import Network


@task
def customer_import_run(*, import_id: int) -> int:
    """Run (or resume) an import; returns the rows done."""
    from .imports import import_run

    return import_run(import_id=import_id).rows_done


@task
def customer_import_check(*, import_id: int) -> int:
    """Check a large file in the background; returns the rows with problems."""
    from .imports import import_check_saved

    return import_check_saved(import_id=import_id).error_rows


@task
def consents_expire_all() -> int:
    """Daily: record the expiry of every consent past its network's retention."""
    from .services import consents_expire

    return sum(consents_expire(network=network) for network in Network.objects.all())


@task
def search_indexes_repair() -> int:
    """Daily, on SQLite: put back the text indexes' triggers a killed bulk import left out (and
    rebuild those indexes); returns whether any were missing."""
    from django.db import connection

    from .dbobjects import database_objects_install
    from .importbulk import search_triggers_missing

    if connection.vendor != "sqlite" or not search_triggers_missing():
        return 0
    database_objects_install(connection)
    return 1
