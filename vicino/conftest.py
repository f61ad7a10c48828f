"""The shared cast of every test, and the real parts tests talk to (SMTP server, Chromium).

Two networks: Aurora (a car brand) with Milano and Treviso, Borgo (a cooperative) with
Bologna. dario runs Aurora's head office, giulia manages Milano, anna sells in Milano,
bruno sells in Treviso, roberta runs Borgo.
"""

import datetime
import json
import os
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from vicino.core import services
from vicino.core.actor import Actor, actor_for
from vicino.core.models import Network, Site, User
from vicino.core.roles import Role

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """A deliberately slow hasher is a production virtue and a test-suite cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def aurora(db) -> Network:
    return services.network_create(by=None, name="Aurora Motori", slug="aurora", kind=Network.Kind.BRAND)


@pytest.fixture
def borgo(db) -> Network:
    return services.network_create(by=None, name="Borgo Comune", slug="borgo", kind=Network.Kind.COOPERATIVE)


def _site(network: Network, code: str, name: str, city: str, province: str, cap: str) -> Site:
    site = services.site_create(
        by=None, network=network, code=code, name=name, kind=Site.Kind.DEALERSHIP, city=city, province=province, cap=cap
    )
    services.opening_hours_set(
        by=None, site=site, intervals=[(day, datetime.time(9), datetime.time(19)) for day in range(6)]
    )
    return site


@pytest.fixture
def milano(aurora) -> Site:
    return _site(aurora, "MI01", "Aurora Milano", "Milano", "MI", "20156")


@pytest.fixture
def treviso(aurora) -> Site:
    return _site(aurora, "TV01", "Aurora Treviso", "Treviso", "TV", "31100")


@pytest.fixture
def bologna(borgo) -> Site:
    site = services.site_create(
        by=None, network=borgo, code="BO01", name="Borgo Bologna", kind=Site.Kind.STORE, city="Bologna", province="BO"
    )
    return site


def _person(email: str, name: str, network: Network, role: Role, site: Site | None = None, language: str = "it") -> User:
    user = services.user_create(by=None, email=email, full_name=name, password=PASSWORD, language=language)
    services.membership_create(by=None, user=user, network=network, site=site, role=role)
    return user


@pytest.fixture
def dario(aurora, milano, treviso) -> User:
    return _person("dario@aurora.example", "Dario Ferri", aurora, Role.NETWORK_ADMIN)


@pytest.fixture
def giulia(aurora, milano) -> User:
    return _person("giulia@aurora.example", "Giulia D'Angelo", aurora, Role.SITE_MANAGER, milano)


@pytest.fixture
def anna(aurora, milano) -> User:
    return _person("anna@aurora.example", "Anna Colombo", aurora, Role.SALES_CONSULTANT, milano)


@pytest.fixture
def bruno(aurora, treviso) -> User:
    return _person("bruno@aurora.example", "Bruno Zanetti", aurora, Role.SALES_CONSULTANT, treviso)


@pytest.fixture
def elena(aurora) -> User:
    """Head-office communications: reads customers, may not change them, and sees no leads."""
    return _person("elena@aurora.example", "Elena Rossi", aurora, Role.HQ_COMMUNICATIONS)


@pytest.fixture
def roberta(borgo, bologna) -> User:
    return _person("roberta@borgo.example", "Roberta Cavalli", borgo, Role.NETWORK_ADMIN, language="en")


@pytest.fixture
def notice(aurora):
    from vicino.people import services as people

    return people.privacy_notice_publish(by=None, network=aurora, version="2026.1", title="Informativa clienti", text="…")


@pytest.fixture
def carla(aurora, milano):
    """Milano's customer, with an apostrophe and an accent in her name."""
    from vicino.people import services as people

    return people.customer_create(
        by=None, network=aurora, site=milano, first_name="Carla", last_name="D'Angelo Paternò",
        emails=["Carla.Dangelo@Example.it"], phones=["333 1234567"],
        address={"street": "Via Roma 1", "cap": "20121", "city": "Milano", "province": "MI"},
    )  # fmt: skip


def actor_of(user: User) -> Actor:
    actor = actor_for(user=user)
    assert actor is not None, f"{user} has no membership"
    return actor


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_token(user: User) -> str:
    """A new API token acting as the user's first membership."""
    from vicino.api import services as api_services
    from vicino.core.models import Membership

    _token, plaintext = api_services.api_token_create(by=user, membership=Membership.objects.filter(user=user).first(), name="test")
    return plaintext


def api_call(method: str, path: str, token: str | None = None, body=None, language: str = "it", **headers):
    """A request to /api/v1 as a client sends it: JSON body, the caller's language, the token if any."""
    headers = {"Accept-Language": language, **({"Authorization": f"Bearer {token}"} if token else {}), **headers}
    kwargs = {"headers": headers}
    if body is not None:
        kwargs.update(data=body if isinstance(body, str) else json.dumps(body), content_type="application/json")
    return getattr(Client(), method)(f"/api/v1{path}", **kwargs)


# --- A real SMTP server --------------------------------------------------------------


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in (m["To"] or "")]


class _RushServer(ThreadedWSGIServer):
    # socketserver's default backlog of 5 (Django's 10) resets most of a hundred simultaneous
    # connections before the server even sees them; a real deployment's server listens wider.
    request_queue_size = 128


class _RushServerThread(LiveServerThread):
    server_class = _RushServer


@pytest.fixture
def http_server(transactional_db) -> Iterator[str]:
    """Django's threaded development server on a free port, for a rush of real concurrent requests:
    one thread and one database connection per request."""
    thread = _RushServerThread("127.0.0.1", static_handler=_StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpSink]:
    """An aiosmtpd server on loopback; Django sends to it through its SMTP backend."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink(host="127.0.0.1", port=_free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            sink.messages.append(message_from_bytes(envelope.original_content or envelope.content))
            return "250 OK"

    controller = Controller(Handler(), hostname=sink.host, port=sink.port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": sink.host, "port": sink.port, "timeout": 10},
        }
    }
    try:
        yield sink
    finally:
        controller.stop()


# --- Real headless Chromium ----------------------------------------------------------


def chromium_path() -> str:
    path = os.environ.get("VICINO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is needed for the browser tests: apt-get install chromium (bin/test does it as root).")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the Django calls the
    # tests make between browser steps are ordinary synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
