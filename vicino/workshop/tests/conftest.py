"""The workshop cast: Milano's service advisor and technician, Carla's car, and an order on it."""

import pytest

from vicino.conftest import _person
from vicino.core.roles import Role
from vicino.workshop import services
from vicino.workshop.models import RepairOrder


@pytest.fixture
def matteo(aurora, milano):
    """Milano's service advisor."""
    return _person("matteo@aurora.example", "Matteo Ricci", aurora, Role.SERVICE_ADVISOR, milano)


@pytest.fixture
def tommaso(aurora, milano):
    """A technician in Milano's workshop."""
    return _person("tommaso@aurora.example", "Tommaso Greco", aurora, Role.TECHNICIAN, milano)


@pytest.fixture
def carla_car(aurora, carla):
    return services.vehicle_save(by=None, network=aurora, data={"plate": "fa 123 bc", "make": "Aurora", "model": "Stella", "year": 2022, "km": 31200},
                                 owners=[carla])  # fmt: skip


@pytest.fixture
def order(matteo, milano, carla, carla_car):
    return services.repair_order_open(by=matteo, site=milano, vehicle=carla_car, customer=carla, source=RepairOrder.Source.COUNTER,
                                      complaint="Rumore dai freni anteriori", km_in=31250)  # fmt: skip
