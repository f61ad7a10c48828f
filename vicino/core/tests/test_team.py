"""Managing the team: adding people (with an invitation for newcomers) and taking roles away."""

import re

from django.test import Client
from django.urls import reverse

from vicino.conftest import client_of
from vicino.core.models import AuditEntry, Membership, User


def test_head_office_adds_a_newcomer_who_is_invited_by_email(dario, milano, smtp_server, django_capture_on_commit_callbacks):
    data = {"email": "Carla.Nuova@Aurora.example", "full_name": "Carla Nicolò", "role": "sales_consultant", "site": milano.pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(dario).post(reverse("core:team"), data, follow=True)
    assert "Carla Nicolò" in response.text

    carla = User.objects.get(email="carla.nuova@aurora.example")
    assert Membership.objects.get(user=carla).site == milano
    assert AuditEntry.objects.filter(action="membership.create", actor=dario).exists()
    [message] = smtp_server.to("carla.nuova@aurora.example")
    assert message["Subject"] == "Ora fai parte di Aurora Motori su Vicino"
    body = message.get_payload(decode=True).decode()
    assert "Dario Ferri" in body and "Consulente vendite" in body
    link = re.search(r"https?://[^/\s]+(/password/reset/\S+/)", body).group(1)

    client = Client()
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": "Carla-Password-26", "new_password2": "Carla-Password-26"})
    assert client.login(username="carla.nuova@aurora.example", password="Carla-Password-26")


def test_a_person_who_already_has_an_account_gets_the_role_without_a_new_account(dario, bruno, milano, smtp_server, django_capture_on_commit_callbacks):
    data = {"email": "bruno@aurora.example", "full_name": "ignored", "role": "sales_consultant", "site": milano.pk}
    with django_capture_on_commit_callbacks(execute=True):
        client_of(dario).post(reverse("core:team"), data)
    assert set(Membership.objects.filter(user=bruno).values_list("site__code", flat=True)) == {"TV01", "MI01"}
    assert User.objects.filter(email="bruno@aurora.example").count() == 1
    assert smtp_server.messages == []


def test_a_site_manager_adds_only_to_their_own_site_and_only_site_roles(giulia, milano, treviso):
    client = client_of(giulia)
    form = client.get(reverse("core:team")).context["form"]
    assert "site" not in form.fields
    assert "network_admin" not in dict(form.fields["role"].choices)

    client.post(reverse("core:team"), {"email": "x@aurora.example", "full_name": "Xenia", "role": "network_admin"})
    assert not User.objects.filter(email="x@aurora.example").exists()

    client.post(reverse("core:team"), {"email": "x@aurora.example", "full_name": "Xenia", "role": "reception", "site": treviso.pk})
    assert Membership.objects.get(user__email="x@aurora.example").site == milano


def test_a_site_role_without_a_site_is_explained_and_nothing_is_written(dario):
    response = client_of(dario).post(reverse("core:team"), {"email": "y@aurora.example", "full_name": "Ugo", "role": "sales_consultant"})
    assert "Questo ruolo richiede una sede." in response.text
    assert not User.objects.filter(email="y@aurora.example").exists()


def test_a_site_of_another_network_cannot_be_chosen(dario, bologna):
    client_of(dario).post(reverse("core:team"), {"email": "z@aurora.example", "full_name": "Zeno", "role": "sales_consultant", "site": bologna.pk})
    assert not User.objects.filter(email="z@aurora.example").exists()


def test_a_consultant_cannot_add_people(anna, milano):
    client = client_of(anna)
    assert client.get(reverse("core:team")).context["form"] is None
    response = client.post(reverse("core:team"), {"email": "w@aurora.example", "full_name": "W", "role": "reception"})
    assert response.status_code == 403
    assert not User.objects.filter(email="w@aurora.example").exists()


def test_a_manager_takes_a_role_away_but_not_their_own_nor_outside_their_site(giulia, anna, bruno):
    client = client_of(giulia)
    client.post(reverse("core:team-member-remove", args=[Membership.objects.get(user=anna).pk]))
    assert not Membership.objects.filter(user=anna).exists()
    assert AuditEntry.objects.filter(action="membership.delete", actor=giulia).exists()

    own = Membership.objects.get(user=giulia)
    client.post(reverse("core:team-member-remove", args=[own.pk]))
    assert Membership.objects.filter(pk=own.pk).exists()

    other = Membership.objects.get(user=bruno)
    assert client.post(reverse("core:team-member-remove", args=[other.pk])).status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()
