"""Password reset end to end, through a real SMTP server."""

import re

from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from vicino.core.models import AuditEntry

NEW_PASSWORD = "Nuova-Password-2026"


def _link(message) -> str:
    body = message.get_payload(decode=True).decode()
    return re.search(r"https?://[^/\s]+(/password/reset/\S+/)", body).group(1)


def test_a_forgotten_password_is_reset_through_the_emailed_link(anna, smtp_server, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:password-reset"), {"email": "Anna@Aurora.example"}, follow=True)
    assert "Controlla la tua e-mail" in response.text

    [message] = smtp_server.to("anna@aurora.example")
    assert message["Subject"] == "La tua nuova password di Vicino"
    link = _link(message)

    form_page = client.get(link, follow=True)
    assert "Scegli una nuova password" in form_page.text
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "Password cambiata" in done.text

    assert client.login(username="anna@aurora.example", password=NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="user.password", target_id=str(anna.pk)).exists()
    # The link works once.
    assert "Questo link non funziona più" in Client().get(link, follow=True).text


def test_an_unknown_address_gets_the_same_answer_and_no_email(db, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("core:password-reset"), {"email": "nessuno@example.com"}, follow=True)
    assert "Controlla la tua e-mail" in response.text
    assert smtp_server.messages == []


def test_an_expired_link_says_so_clearly_and_changes_nothing(anna, settings):
    uid = urlsafe_base64_encode(force_bytes(anna.pk))
    token = default_token_generator.make_token(anna)
    settings.PASSWORD_RESET_TIMEOUT = -1
    url = reverse("core:password-reset-confirm", args=[uid, token])
    response = Client().get(url, follow=True)
    assert "Questo link non funziona più" in response.text
    response = Client().post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    anna.refresh_from_db()
    assert not anna.check_password(NEW_PASSWORD)


def test_a_weak_new_password_is_refused_with_the_reason(anna):
    uid = urlsafe_base64_encode(force_bytes(anna.pk))
    token = default_token_generator.make_token(anna)
    client = Client()
    page = client.get(reverse("core:password-reset-confirm", args=[uid, token]), follow=True)
    response = client.post(page.redirect_chain[-1][0], {"new_password1": "12345", "new_password2": "12345"})
    assert "Questa password è troppo corta" in response.text
    anna.refresh_from_db()
    assert not anna.check_password("12345")
