"""A hundred people press "Register" at once for thirty places, through the real HTTP server.

Each request is a real browser-like exchange (a GET for the page and its CSRF cookie, then
the POST) on its own thread and its own database connection; the posts are released
together by a barrier. On SQLite the write lock taken at BEGIN queues them; on PostgreSQL
they run side by side until the event's row lock does. Either way: thirty tickets, seventy
turns on the waiting list in the order people asked, everyone sent to their own ticket page
and e-mailed, no server error.
"""

import datetime
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from vicino.events.links import registration_token
from vicino.events.models import Event, Registration
from vicino.testing.mailbox import subject_of

PEOPLE = 100
PLACES = 30


@pytest.fixture
def open_house(aurora, milano):
    """An open house in Milano's showroom, open to the public, with thirty places and no companions, in three days."""
    starts_at = timezone.now() + datetime.timedelta(days=3)
    return Event.objects.create(network=aurora, site=milano, kind=Event.Kind.OPEN_HOUSE, audience=Event.Audience.PUBLIC,
                                title="Porte aperte", slug="porte-aperte", starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=4),
                                capacity=PLACES, max_companions=0, status=Event.Status.PUBLISHED)  # fmt: skip


class _Stay(urllib.request.HTTPRedirectHandler):
    """Do not follow the redirect: the test reads where it points."""

    def redirect_request(self, *args, **kwargs):
        return None


def _email(n: int) -> str:
    return f"fan{n:03}@example.com"


def _race(url: str, barrier: threading.Barrier, n: int) -> tuple[int, str]:
    """(status, Location) of one person's registration."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _Stay)
    page = opener.open(url, timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({
        "csrfmiddlewaretoken": token, "first_name": "Tifoso", "last_name": f"Numero {n}", "email": _email(n), "phone": "",
        "companions": "0", "dietary_notes": "",
    }).encode()  # fmt: skip
    request = urllib.request.Request(url, data=body, headers={"Referer": url})
    barrier.wait(timeout=60)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def test_a_hundred_people_registering_at_once_for_thirty_places_get_thirty_tickets_and_seventy_turns_in_order(
    http_server, smtp_server, open_house
):
    url = http_server + reverse("events:public-event", args=["aurora", open_house.slug])
    barrier = threading.Barrier(PEOPLE)
    # PostgreSQL admits a hundred connections by default: the rush may need them all, the test's own can wait.
    connection.close()
    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        answers = list(pool.map(lambda n: _race(url, barrier, n), range(PEOPLE)))

    statuses = Counter(status for status, _location in answers)
    assert statuses == {302: PEOPLE}, statuses
    registrations = {r.email: r for r in Registration.objects.filter(event=open_house)}
    assert len(registrations) == PEOPLE and Registration.objects.count() == PEOPLE
    # Each person is sent to their own ticket page.
    for n, (_status, location) in enumerate(answers):
        ticket_page = reverse("events:manage", args=[registration_token(registrations[_email(n)])])
        assert urllib.parse.urlsplit(location).path == ticket_page

    R = Registration.Status
    statuses = Counter(r.status for r in registrations.values())
    assert statuses == {R.CONFIRMED: PLACES, R.WAITING: PEOPLE - PLACES}, statuses
    confirmed = [r for r in registrations.values() if r.status == R.CONFIRMED]
    waiting = list(Registration.objects.filter(event=open_house, status=R.WAITING).order_by("queued_at", "pk"))
    # The waiting list, in the order places will be offered, is the order people got through: no two share a turn,
    # and everyone with a place asked before anyone waiting.
    assert len({r.queued_at for r in waiting}) == len(waiting) == PEOPLE - PLACES
    assert [r.pk for r in waiting] == sorted(r.pk for r in waiting)
    assert max(r.queued_at for r in confirmed) < waiting[0].queued_at

    # Everyone had one e-mail, the one their answer called for (to the test's own SMTP server: none leaves the machine).
    mails = Counter((message["To"], subject_of(message).split(":")[0]) for message in smtp_server.messages)
    subject = {R.CONFIRMED: "Sei iscritto", R.WAITING: "In lista d'attesa"}
    expected = Counter((r.email, subject[r.status]) for r in registrations.values())
    assert mails == expected
