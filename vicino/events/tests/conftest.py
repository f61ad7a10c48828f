import datetime

import pytest

from vicino.conftest import _person
from vicino.core.roles import Role

from vicino.events.models import Event
from vicino.events.tests.cast import NOW


@pytest.fixture
def tasting(aurora, milano):
    """A wine tasting in Milano's showroom with three places, a week from now."""
    return Event.objects.create(network=aurora, site=milano, kind=Event.Kind.TASTING, title="Degustazione in salone", slug="degustazione",
                                starts_at=NOW + datetime.timedelta(days=7), ends_at=NOW + datetime.timedelta(days=7, hours=3), capacity=3,
                                max_companions=1, status=Event.Status.PUBLISHED)  # fmt: skip


@pytest.fixture
def launch(aurora):
    """A network launch at an outside venue in Bergamo, open to the public."""
    return Event.objects.create(network=aurora, kind=Event.Kind.LAUNCH, audience=Event.Audience.PUBLIC, title="Anteprima Stella EV", slug="anteprima",
                                venue_name="Teatro Donizetti", venue_address="Piazza Cavour 15", venue_city="Bergamo", capacity=100,
                                starts_at=NOW + datetime.timedelta(days=12), ends_at=NOW + datetime.timedelta(days=12, hours=3),
                                status=Event.Status.PUBLISHED)  # fmt: skip


@pytest.fixture
def rosa(aurora, milano):
    """Milano's reception: runs the site's events and its door."""
    return _person("rosa@aurora.example", "Rosa Bianchi", aurora, Role.RECEPTION, milano)
