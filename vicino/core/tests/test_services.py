import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from vicino.core import services
from vicino.core.models import AuditEntry, Membership, OpeningHours, Site, User
from vicino.core.roles import Role


def test_a_site_update_records_who_changed_which_fields(giulia, milano):
    services.site_update(by=giulia, site=milano, data={"phone": "+39 02 1234567", "city": "Milano"})

    entry = AuditEntry.objects.filter(action="site.update").get()
    assert entry.actor == giulia
    assert entry.network == milano.network and entry.site == milano
    assert entry.changes == {"phone": ["", "+39 02 1234567"]}
    milano.refresh_from_db()
    assert milano.phone == "+39 02 1234567"


def test_an_update_that_changes_nothing_writes_no_audit_entry(giulia, milano):
    services.site_update(by=giulia, site=milano, data={"city": "Milano"})
    assert not AuditEntry.objects.filter(action="site.update").exists()


def test_an_invalid_cap_is_refused_and_nothing_is_saved(giulia, milano):
    with pytest.raises(ValidationError) as error:
        services.site_update(by=giulia, site=milano, data={"cap": "2015", "phone": "02 555"})
    assert "cap" in error.value.message_dict
    milano.refresh_from_db()
    assert (milano.cap, milano.phone) == ("20156", "")
    assert not AuditEntry.objects.filter(action="site.update").exists()


def test_fields_outside_the_editable_ones_are_refused(giulia, milano, borgo):
    with pytest.raises(ValidationError):
        services.site_update(by=giulia, site=milano, data={"network": borgo})
    milano.refresh_from_db()
    assert milano.network.slug == "aurora"


def test_overlapping_opening_hours_are_refused_and_the_old_ones_stay(giulia, milano):
    intervals = [(0, datetime.time(9), datetime.time(13)), (0, datetime.time(12), datetime.time(18))]
    with pytest.raises(ValidationError):
        services.opening_hours_set(by=giulia, site=milano, intervals=intervals)
    assert OpeningHours.objects.filter(site=milano).count() == 6


def test_opening_hours_are_replaced_and_audited(giulia, milano):
    services.opening_hours_set(
        by=giulia, site=milano, intervals=[(0, datetime.time(9), datetime.time(13)), (0, datetime.time(14, 30), datetime.time(19))]
    )
    # Outside a request the default language, Italian, is active.
    assert [str(row) for row in OpeningHours.objects.filter(site=milano)] == ["Lunedì 09:00–13:00", "Lunedì 14:30–19:00"]
    assert AuditEntry.objects.filter(action="site.opening_hours", actor=giulia).count() == 1


def test_a_membership_at_a_site_of_another_network_is_refused(anna, borgo, milano):
    with pytest.raises(ValidationError):
        services.membership_create(by=None, user=anna, network=borgo, site=milano, role=Role.SALES_CONSULTANT)
    assert not Membership.objects.filter(user=anna, network=borgo).exists()


def test_a_head_office_role_cannot_be_tied_to_a_site(anna, aurora, treviso):
    with pytest.raises(ValidationError):
        services.membership_create(by=None, user=anna, network=aurora, site=treviso, role=Role.HQ_ANALYST)


def test_the_database_itself_refuses_a_site_role_without_a_site(anna, aurora):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=anna, network=aurora, site=None, role=Role.SALES_CONSULTANT)


def test_the_database_refuses_the_same_person_twice_at_head_office(dario, aurora):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=dario, network=aurora, site=None, role=Role.HQ_ANALYST)


def test_a_second_user_with_the_same_email_in_other_case_is_refused(anna):
    with pytest.raises(ValidationError):
        services.user_create(by=None, email="ANNA@Aurora.example", full_name="Anna Bis")
    assert User.objects.filter(email__iexact="anna@aurora.example").count() == 1


def test_names_with_accents_and_apostrophes_are_kept_as_written(db):
    user = services.user_create(by=None, email="n.paterno@aurora.example", full_name="Nicolò D'Angelo Paternò")
    user.refresh_from_db()
    assert user.full_name == "Nicolò D'Angelo Paternò"


def test_changing_a_role_is_audited_and_must_fit_the_place(giulia, milano):
    membership = Membership.objects.get(user=giulia)
    services.membership_role_set(by=None, membership=membership, role=Role.SALES_CONSULTANT)
    assert AuditEntry.objects.filter(action="membership.role").get().changes == {
        "role": ["site_manager", "sales_consultant"]
    }
    with pytest.raises(ValidationError):
        services.membership_role_set(by=None, membership=membership, role=Role.NETWORK_ADMIN)
    membership.refresh_from_db()
    assert membership.role == Role.SALES_CONSULTANT


def test_sites_in_one_network_have_distinct_codes(aurora, milano):
    with pytest.raises(ValidationError):
        services.site_create(by=None, network=aurora, code="MI01", name="Doppione", kind=Site.Kind.STORE, city="Milano", province="MI")
    assert Site.objects.filter(network=aurora, code="MI01").count() == 1
