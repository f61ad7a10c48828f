"""Leads from enquiries: routing, round-robin, the first-response clock, the pipeline to delivery."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from vicino.core import services as core
from vicino.core.roles import Role
from vicino.people.models import Customer, Interaction
from vicino.sales import services
from vicino.sales.models import ConsultantAvailability, Lead, LeadStageChange, SiteSalesSettings, StockVehicle
from vicino.sales.routing import opening_minutes_between

from .conftest import enquiry

pytestmark = pytest.mark.django_db


def test_an_enquiry_at_milano_goes_to_milanos_consultant_and_lands_on_the_timeline(aurora, milano, anna, bruno):
    lead = services.lead_create(by=None, network=aurora, enquiry=enquiry(chosen_site=milano, channel="web", campaign="primavera-2026"))
    assert (lead.site, lead.assigned_to, lead.stage, lead.campaign) == (milano, anna, Lead.Stage.NEW, "primavera-2026")
    entry = Interaction.objects.get(customer=lead.customer, kind="lead.created")
    assert "primavera-2026" in entry.summary and entry.ref_id == str(lead.pk)


def test_an_enquiry_with_carlas_email_is_carlas_lead(aurora, milano, carla):
    lead = services.lead_create(by=None, network=aurora, enquiry=enquiry(first="Carla", last="D'Angelo", email="CARLA.DANGELO@example.it"))
    assert lead.customer == carla
    assert Customer.objects.filter(network=aurora).count() == 1


def test_without_a_chosen_site_a_venetian_cap_goes_to_treviso(aurora, milano, treviso, bruno):
    lead = services.lead_create(by=None, network=aurora, enquiry=enquiry(cap="35121"))  # Padova
    assert (lead.site, lead.assigned_to) == (treviso, bruno)


def test_without_a_chosen_site_a_province_near_milano_goes_to_milano(aurora, milano, treviso):
    assert services.lead_create(by=None, network=aurora, enquiry=enquiry(province="BG")).site == milano


def test_a_site_that_takes_no_leads_is_never_routed_to(aurora, milano, treviso):
    SiteSalesSettings.objects.create(site=treviso, takes_leads=False)
    assert services.lead_create(by=None, network=aurora, enquiry=enquiry(province="VE")).site == milano


def test_consultants_of_a_site_take_turns_and_one_away_is_skipped(aurora, milano, anna):
    marta = core.user_create(by=None, email="marta@aurora.example", full_name="Marta Riva", password="x" * 12)
    core.membership_create(by=None, user=marta, network=aurora, site=milano, role=Role.SALES_CONSULTANT)
    turns = [services.lead_create(by=None, network=aurora, enquiry=enquiry(email=f"p{n}@example.it", chosen_site=milano)).assigned_to
             for n in range(4)]  # fmt: skip
    assert turns.count(anna) == 2 and turns.count(marta) == 2 and turns[0] != turns[1]
    ConsultantAvailability.objects.filter(user=marta).update(is_available=False)
    later = [services.lead_create(by=None, network=aurora, enquiry=enquiry(email=f"q{n}@example.it", chosen_site=milano)).assigned_to
             for n in range(2)]  # fmt: skip
    assert later == [anna, anna]


def test_the_same_form_token_twice_makes_one_lead(aurora, milano):
    first = services.lead_create(by=None, network=aurora, enquiry=enquiry(form_token="t" * 64, chosen_site=milano))
    again = services.lead_create(by=None, network=aurora, enquiry=enquiry(form_token="t" * 64, chosen_site=milano))
    assert first.pk == again.pk and Lead.objects.count() == 1


def test_the_first_response_clock_counts_only_opening_hours(aurora, milano):
    hours = [(day, datetime.time(9), datetime.time(19)) for day in range(6)]  # the cast's sites: Monday–Saturday 9–19
    zone = timezone.get_current_timezone()
    friday_evening = datetime.datetime(2026, 12, 4, 18, 30, tzinfo=zone)
    monday_morning = datetime.datetime(2026, 12, 7, 9, 15, tzinfo=zone)
    # 30 minutes on Friday, all of Saturday (600), none on Sunday, 15 on Monday.
    assert opening_minutes_between(hours, friday_evening, monday_morning) == 30 + 600 + 15


def test_the_first_response_clock_stops_on_a_public_holiday(aurora, milano):
    hours = [(day, datetime.time(9), datetime.time(19)) for day in range(6)]
    zone = timezone.get_current_timezone()
    monday_evening = datetime.datetime(2026, 12, 7, 18, 0, tzinfo=zone)
    wednesday_morning = datetime.datetime(2026, 12, 9, 9, 30, tzinfo=zone)
    # 60 minutes on Monday, none on Tuesday 8 December (Immacolata), 30 on Wednesday.
    assert opening_minutes_between(hours, monday_evening, wednesday_morning) == 60 + 30


def test_a_call_answers_a_new_lead_and_stores_the_wait(lead_of_marco, anna):
    Lead.objects.filter(pk=lead_of_marco.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=20))
    lead = Lead.objects.get(pk=lead_of_marco.pk)
    services.activity_add(by=anna, lead=lead, kind="call", text="Richiamato, interessato alla Stella ibrida")
    lead.refresh_from_db()
    assert lead.stage == Lead.Stage.CONTACTED and lead.first_response_at is not None
    assert lead.response_minutes is not None and lead.response_minutes <= 20
    assert Interaction.objects.filter(customer=lead.customer, kind="lead.call").exists()


def test_every_stage_change_is_kept_and_on_the_timeline(lead_of_marco, anna):
    services.lead_stage_move(by=anna, lead=lead_of_marco, stage=Lead.Stage.TEST_DRIVE)
    services.lead_stage_move(by=anna, lead=lead_of_marco, stage=Lead.Stage.QUOTE)
    lead = Lead.objects.get(pk=lead_of_marco.pk)
    assert lead.test_drive_at is not None and lead.stage == Lead.Stage.QUOTE
    assert list(LeadStageChange.objects.filter(lead=lead).values_list("to_stage", flat=True)) == ["test_drive", "quote"]
    assert Interaction.objects.filter(customer=lead.customer, kind="lead.stage").count() == 2


def test_a_lost_lead_needs_its_reason(lead_of_marco, anna):
    with pytest.raises(ValidationError) as refused:
        services.lead_stage_move(by=anna, lead=lead_of_marco, stage=Lead.Stage.LOST)
    assert "lost_reason" in refused.value.message_dict
    services.lead_stage_move(by=anna, lead=lead_of_marco, stage=Lead.Stage.LOST, lost_reason="competitor")
    assert Lead.objects.get(pk=lead_of_marco.pk).get_lost_reason_display() == "Acquistato altrove"


def test_a_lead_is_not_dragged_into_order_without_the_order(lead_of_marco, anna):
    with pytest.raises(ValidationError):
        services.lead_stage_move(by=anna, lead=lead_of_marco, stage=Lead.Stage.ORDER)
    assert Lead.objects.get(pk=lead_of_marco.pk).stage == Lead.Stage.NEW


def test_order_then_delivery_sells_the_car_and_makes_the_customer_an_owner(lead_of_marco, anna, stella_in_milano):
    services.order_create(by=anna, lead=lead_of_marco, expected_delivery=timezone.localdate() + datetime.timedelta(days=20),
                          stock_vehicle=stella_in_milano)  # fmt: skip
    assert StockVehicle.objects.get(pk=stella_in_milano.pk).status == StockVehicle.Status.RESERVED
    services.lead_deliver(by=anna, lead=Lead.objects.get(pk=lead_of_marco.pk))
    lead = Lead.objects.get(pk=lead_of_marco.pk)
    assert (lead.stage, lead.ordered_at is not None, lead.delivered_at is not None) == (Lead.Stage.DELIVERED, True, True)
    assert StockVehicle.objects.get(pk=stella_in_milano.pk).status == StockVehicle.Status.SOLD
    assert lead.customer.relation == Customer.Relation.OWNER
    with pytest.raises(ValidationError):
        services.lead_stage_move(by=anna, lead=lead, stage=Lead.Stage.CONTACTED)


def test_a_delivery_without_an_order_is_refused(lead_of_marco, anna):
    with pytest.raises(ValidationError):
        services.lead_deliver(by=anna, lead=lead_of_marco)


def test_a_trade_in_with_a_negative_appraisal_is_refused(lead_of_marco, anna):
    trade_in = services.trade_in_add(by=anna, lead=lead_of_marco, make="Fiat", model="Panda", plate="ab 123 cd")
    assert trade_in.plate == "AB123CD"
    with pytest.raises(ValidationError) as refused:
        services.trade_in_appraise(by=anna, trade_in=trade_in, value=Decimal("-100"))
    assert "non può essere negativo" in str(refused.value)


def test_a_configuration_makes_the_model_the_leads_interest(lead_of_marco, anna, stella):
    configuration = services.configuration_save(by=anna, lead=lead_of_marco, vehicle_model=stella, colour="Rosso Etna",
                                                colour_price=Decimal(700), options=[("Pack Tech", Decimal(1500))])  # fmt: skip
    assert configuration.base_price == Decimal("24000.00") and configuration.options.get().name == "Pack Tech"
    assert Lead.objects.get(pk=lead_of_marco.pk).vehicle_model == stella
