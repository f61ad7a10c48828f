import datetime

import pytest

from vicino.events.models import Event
from vicino.events.tests.cast import NOW


@pytest.fixture
def tasting(aurora, milano):
    """A wine tasting in Milano's showroom with three places, a week from now."""
    return Event.objects.create(network=aurora, site=milano, kind=Event.Kind.TASTING, title="Degustazione in salone", slug="degustazione",
                                starts_at=NOW + datetime.timedelta(days=7), ends_at=NOW + datetime.timedelta(days=7, hours=3), capacity=3,
                                max_companions=1, status=Event.Status.PUBLISHED)  # fmt: skip
