from django.urls import reverse

from vicino.api.models import ApiToken
from vicino.api.tokens import token_hash
from vicino.conftest import client_of


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(anna):
    client = client_of(anna)
    response = client.post(reverse("api:token-list"), {"name": "Sito del concessionario"})
    plaintext = response.context["created"]["plaintext"]
    assert plaintext in response.text
    assert response["Cache-Control"] == "no-store"

    token = ApiToken.objects.get(user=anna)
    assert token.key_hash == token_hash(plaintext) and plaintext not in token.key_hash
    assert plaintext not in client.get(reverse("api:token-list")).text
    assert "Sito del concessionario" in client.get(reverse("api:token-list")).text


def test_a_token_without_a_name_is_refused_with_the_reason(anna):
    response = client_of(anna).post(reverse("api:token-list"), {"name": "  "})
    assert response.status_code == 200
    assert "errorlist" in response.text
    assert not ApiToken.objects.exists()


def test_a_revoked_token_stops_working_at_once(anna):
    client = client_of(anna)
    plaintext = client.post(reverse("api:token-list"), {"name": "Report"}).context["created"]["plaintext"]
    token = ApiToken.objects.get(user=anna)
    client.post(reverse("api:token-revoke", args=[token.pk]))
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {plaintext}"})
    assert response.status_code == 401 and response.json()["code"] == "token_revoked"


def test_nobody_can_revoke_someone_elses_token(anna, bruno):
    client_of(anna).post(reverse("api:token-list"), {"name": "Di Anna"})
    token = ApiToken.objects.get(user=anna)
    assert client_of(bruno).post(reverse("api:token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_page_lists_only_ones_own_tokens(anna, bruno):
    client_of(anna).post(reverse("api:token-list"), {"name": "Token di Anna"})
    assert "Token di Anna" not in client_of(bruno).get(reverse("api:token-list")).text
