import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured

from vicino.conftest import actor_of
from vicino.core.models import AuditEntry, Membership, Network, Site


def test_head_office_sees_every_site_of_its_network_and_none_of_another(dario, milano, treviso, bologna):
    sites = set(actor_of(dario).scope(Site.objects.all()))
    assert sites == {milano, treviso}


def test_a_site_member_sees_only_their_own_site(anna, milano, treviso):
    assert list(actor_of(anna).scope(Site.objects.all())) == [milano]


def test_a_site_member_sees_only_their_sites_team(anna, bruno, giulia, dario):
    team = {m.user for m in actor_of(anna).scope(Membership.objects.all())}
    assert team == {anna, giulia}


def test_an_actor_sees_only_their_own_network(anna, roberta, aurora):
    assert list(actor_of(anna).scope(Network.objects.all())) == [aurora]


def test_records_reached_through_a_relation_are_scoped_by_it(anna, milano, treviso):
    hours = actor_of(anna).scope(milano.opening_hours.model.objects.all())
    assert hours.count() == 6
    assert {row.site for row in hours} == {milano}


def test_the_audit_log_of_another_network_is_invisible(dario, roberta):
    visible = actor_of(roberta).scope(AuditEntry.objects.all())
    assert visible.exists()
    assert not visible.filter(network__slug="aurora").exists()


def test_a_model_without_tenancy_cannot_be_scoped(anna):
    with pytest.raises(ImproperlyConfigured):
        actor_of(anna).scope(ContentType.objects.all())
