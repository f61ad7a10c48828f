"""Demo data: two fictional networks with their sites and one person per role.

Built through the services, so the audit log has a history from the first run; running
it again changes nothing (every record is found by its natural key before it is made).
"""

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from . import services
from .models import Membership, Network, Site, User
from .roles import Role

DEALER_HOURS = [(d, "09:00", "13:00") for d in range(5)] + [(d, "14:30", "19:00") for d in range(5)] + [(5, "09:00", "12:30")]
STORE_HOURS = [(d, "08:00", "20:00") for d in range(6)] + [(6, "09:00", "13:00")]
MALL_HOURS = [(d, "09:00", "21:00") for d in range(7)]


@dataclass(frozen=True)
class DemoSite:
    code: str
    name: str
    kind: str
    street: str
    cap: str
    city: str
    province: str
    hours: list


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: Role
    site_code: str | None = None
    language: str = "it"


NETWORKS = [
    {
        "slug": "aurora",
        "name": "Aurora Motori Italia",
        "kind": Network.Kind.BRAND,
        "sites": [
            DemoSite("MI01", "Aurora Milano Certosa", Site.Kind.DEALERSHIP, "Viale Certosa 218", "20156", "Milano", "MI", DEALER_HOURS),
            DemoSite("PC01", "Aurora Piacenza", Site.Kind.DEALERSHIP, "Via Emilia Parmense 45", "29122", "Piacenza", "PC", DEALER_HOURS),
            DemoSite("TV01", "Aurora Treviso", Site.Kind.DEALERSHIP, "Viale della Repubblica 12", "31100", "Treviso", "TV", DEALER_HOURS),
            DemoSite("PG01", "Aurora Perugia", Site.Kind.DEALERSHIP, "Via Settevalli 320", "06129", "Perugia", "PG", DEALER_HOURS),
        ],
        "people": [
            DemoPerson("admin@aurora.example", "Dario Ferri", Role.NETWORK_ADMIN),
            DemoPerson("comunicazione@aurora.example", "Lucia D'Angelo", Role.HQ_COMMUNICATIONS),
            DemoPerson("assistenza@aurora.example", "Nicolò Paternò", Role.HQ_CUSTOMER_CARE),
            DemoPerson("analisi@aurora.example", "Sara Lombardi", Role.HQ_ANALYST, language="en"),
            DemoPerson("direzione.milano@aurora.example", "Giulia Marchetti", Role.SITE_MANAGER, "MI01"),
            DemoPerson("anna.vendite@aurora.example", "Anna Colombo", Role.SALES_CONSULTANT, "MI01"),
            DemoPerson("officina.milano@aurora.example", "Matteo Ricci", Role.SERVICE_ADVISOR, "MI01"),
            DemoPerson("tecnico.milano@aurora.example", "Tommaso Greco", Role.TECHNICIAN, "MI01"),
            DemoPerson("accoglienza.milano@aurora.example", "Chiara Fontana", Role.RECEPTION, "MI01"),
            DemoPerson("bruno.vendite@aurora.example", "Bruno Zanetti", Role.SALES_CONSULTANT, "TV01"),
            DemoPerson("direzione.treviso@aurora.example", "Francesca Dal Bò", Role.SITE_MANAGER, "TV01"),
            # One person who manages two dealerships: the switcher lets him move between them.
            DemoPerson("area.centro@aurora.example", "Paolo Galli", Role.SITE_MANAGER, "PC01"),
            DemoPerson("area.centro@aurora.example", "Paolo Galli", Role.SITE_MANAGER, "PG01"),
        ],
    },
    {
        "slug": "borgo",
        "name": "Cooperativa Borgo Comune",
        "kind": Network.Kind.COOPERATIVE,
        "sites": [
            DemoSite("BO01", "Borgo Comune Bologna Mazzini", Site.Kind.STORE, "Via Mazzini 146", "40138", "Bologna", "BO", STORE_HOURS),
            DemoSite("MO01", "Borgo Comune Modena Centro", Site.Kind.STORE, "Via Emilia Centro 88", "41121", "Modena", "MO", STORE_HOURS),
            DemoSite("RE01", "Borgo Comune Reggio Emilia", Site.Kind.STORE, "Viale Timavo 20", "42121", "Reggio Emilia", "RE", STORE_HOURS),
            DemoSite("CC01", "Galleria Borgo Comune Casalecchio", Site.Kind.MALL, "Via Porrettana 360", "40033", "Casalecchio di Reno", "BO", MALL_HOURS),
        ],
        "people": [
            DemoPerson("admin@borgo.example", "Roberta Cavalli", Role.NETWORK_ADMIN),
            DemoPerson("comunicazione@borgo.example", "Tommaso Orlandi", Role.HQ_COMMUNICATIONS),
            DemoPerson("soci@borgo.example", "Elisa Mazzanti", Role.HQ_CUSTOMER_CARE),
            # The same analyst works for both networks.
            DemoPerson("analisi@aurora.example", "Sara Lombardi", Role.HQ_ANALYST, language="en"),
            DemoPerson("direzione.bologna@borgo.example", "Stefano Guidi", Role.SITE_MANAGER, "BO01"),
            DemoPerson("vendite.bologna@borgo.example", "Ilaria Benassi", Role.SALES_CONSULTANT, "BO01"),
            DemoPerson("servizi.bologna@borgo.example", "Luca Ferrante", Role.SERVICE_ADVISOR, "BO01"),
            # The store's technical assistance (appliances, bicycles) has its own technician.
            DemoPerson("tecnico.bologna@borgo.example", "Giorgio Neri", Role.TECHNICIAN, "BO01"),
            DemoPerson("eventi.galleria@borgo.example", "Martina Sabbatini", Role.RECEPTION, "CC01"),
        ],
    },
]

SUPERUSER = DemoPerson("root@vicino.example", "Amministratore Vicino", Role.NETWORK_ADMIN)


_BUILDERS: list[Callable[[], object]] = []


def demo_builder_register(builder: Callable[[], object]) -> None:
    """Apps above core add their own demo data (run after the networks exist, in registration order)."""
    if builder not in _BUILDERS:
        _BUILDERS.append(builder)


def demo_builders() -> list[Callable[[], object]]:
    return list(_BUILDERS)


def demo_password() -> str:
    """A password made once for the demo users and kept under var/."""
    path = settings.VAR_DIR / "demo_password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(9))
        path.chmod(0o600)
    return path.read_text().strip()


@transaction.atomic
def demo_build(*, password: str) -> list[tuple[str, str, str]]:
    """Make sure the demo networks exist; return (email, name, what they are) for each login."""
    logins: dict[str, tuple[str, str, list[str]]] = {}
    for spec in NETWORKS:
        network = Network.objects.filter(slug=spec["slug"]).first() or services.network_create(
            by=None, name=spec["name"], slug=spec["slug"], kind=spec["kind"]
        )
        sites = {site.code: _site_ensure(network, site) for site in spec["sites"]}
        for person in spec["people"]:
            user = _user_ensure(person, password)
            site = sites[person.site_code] if person.site_code else None
            if not Membership.objects.filter(user=user, network=network, site=site).exists():
                services.membership_create(by=None, user=user, network=network, site=site, role=person.role)
            label = f"{person.role.label} · {site.name if site else network.name}"
            logins.setdefault(user.email, (user.email, user.full_name, []))[2].append(label)
    root = _user_ensure(SUPERUSER, password)
    if not root.is_superuser:
        root.is_superuser = root.is_staff = True
        root.save(update_fields=["is_superuser", "is_staff"])
    logins[root.email] = (root.email, root.full_name, ["Django admin"])
    return [(email, name, "; ".join(str(r) for r in roles)) for email, name, roles in logins.values()]


def _site_ensure(network: Network, spec: DemoSite) -> Site:
    site = Site.objects.filter(network=network, code=spec.code).first()
    if site is not None:
        return site
    site = services.site_create(
        by=None,
        network=network,
        code=spec.code,
        name=spec.name,
        kind=spec.kind,
        street=spec.street,
        cap=spec.cap,
        city=spec.city,
        province=spec.province,
        email=f"{spec.code.lower()}@{network.slug}.example",
    )
    intervals = [(day, _time(opens), _time(closes)) for day, opens, closes in spec.hours]
    services.opening_hours_set(by=None, site=site, intervals=intervals)
    return site


def _user_ensure(person: DemoPerson, password: str) -> User:
    user = User.objects.filter(email__iexact=person.email).first()
    if user is None:
        return services.user_create(
            by=None, email=person.email, full_name=person.full_name, password=password, language=person.language
        )
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _time(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)

