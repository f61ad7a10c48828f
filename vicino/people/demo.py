"""Demo customers for the two demo networks: people with accents and apostrophes, consents, a timeline.

Deterministic and idempotent like the core demo: each customer is found by its
external code (DEMO-…) before it is made.
"""

import datetime

from django.utils import timezone

from vicino.core.models import Network, Site

from . import privacy, services
from .models import Customer, PrivacyNotice

NOTICE_TEXT = (
    "Informativa ai sensi dell'art. 13 del Regolamento (UE) 2016/679. Il titolare tratta i tuoi dati per "
    "fornirti i servizi richiesti e, con il tuo consenso, per comunicazioni commerciali e profilazione. "
    "Puoi revocare il consenso in ogni momento."
)

# (first name, last name, e-mail, phone, site code or "", relation, marketing e-mail consent)
PEOPLE = {
    "aurora": [
        ("Carla", "D'Angelo", "carla.dangelo@libero.it", "333 1234567", "MI01", "owner", True),
        ("Nicolò", "Paternò", "nicolo.paterno@gmail.com", "+39 340 1112223", "MI01", "customer", True),
        ("Giuseppe", "Dell'Acqua", "g.dellacqua@alice.it", "347 7654321", "MI01", "prospect", False),
        ("Maria Grazia", "Cantù", "mariagrazia.cantu@outlook.it", "320 9998887", "MI01", "owner", True),
        ("Luca", "Esposito", "luca.esposito@libero.it", "339 5551234", "PC01", "prospect", False),
        ("Chiara", "Dal Bò", "chiara.dalbo@gmail.com", "328 4445556", "TV01", "customer", True),
        ("Francesco", "Lo Russo", "f.lorusso@tiscali.it", "0422 123456", "TV01", "owner", False),
        ("Ludovica", "Bianchi", "ludovica.bianchi@yahoo.it", "366 7778889", "PG01", "enthusiast", True),
        ("Mattia", "Ferrari", "mattia.ferrari@gmail.com", "351 2223334", "", "enthusiast", True),
        ("Carla", "D’Angelo", "c.dangelo@lavoro.it", "333 1234567", "MI01", "prospect", False),
    ],
    "borgo": [
        ("Elena", "Righi", "elena.righi@libero.it", "335 1212121", "BO01", "member", True),
        ("Paolo", "Zanotti", "paolo.zanotti@gmail.com", "348 3434343", "BO01", "member", False),
        ("Agnese", "Sacchetti", "agnese.sacchetti@alice.it", "059 223344", "MO01", "member", True),
        ("Davide", "Ferrè", "davide.ferre@outlook.it", "349 5656565", "RE01", "customer", False),
        ("Giulia", "Dell'Orto", "giulia.dellorto@gmail.com", "340 7878787", "CC01", "enthusiast", True),
    ],
}


def demo_customers_build() -> int:
    """Make sure every demo customer exists; returns how many were created now."""
    created = 0
    for slug, people in PEOPLE.items():
        network = Network.objects.get(slug=slug)
        notice = PrivacyNotice.objects.filter(network=network, version="2026.1").first() or services.privacy_notice_publish(
            by=None, network=network, version="2026.1", title="Informativa clienti", text=NOTICE_TEXT
        )
        sites = {site.code: site for site in Site.objects.filter(network=network)}
        for number, (first, last, email, phone, site_code, relation, marketing) in enumerate(people, start=1):
            code = f"DEMO-{slug.upper()}-{number:03d}"
            if Customer.objects.filter(network=network, external_id=code).exists():
                continue
            customer = services.customer_create(
                by=None, network=network, site=sites.get(site_code), first_name=first, last_name=last, relation=relation,
                emails=[email], phones=[phone], external_id=code,
                member_number=f"SOC-{number:05d}" if relation == "member" else "",
            )  # fmt: skip
            granted_at = timezone.now() - datetime.timedelta(days=30 * number)
            services.consent_record(
                by=None, customer=customer, purpose="service", channel="email", action="granted", source="paper",
                notice=notice, occurred_at=granted_at,
            )  # fmt: skip
            if marketing:
                services.consent_record(
                    by=None, customer=customer, purpose="marketing", channel="email", action="granted", source="web_form",
                    notice=notice, occurred_at=granted_at, double_opt_in_at=granted_at + datetime.timedelta(minutes=7),
                    ip_address="192.0.2.10", user_agent="Mozilla/5.0",
                )  # fmt: skip
            services.interaction_record(
                customer=customer, channel="showroom", kind="visit", summary="Visita in showroom: interessata/o alle novità",
                occurred_at=granted_at + datetime.timedelta(days=2),
            )  # fmt: skip
            created += 1
        first_customer = Customer.objects.filter(network=network, external_id=f"DEMO-{slug.upper()}-002").first()
        if first_customer and not first_customer.privacy_requests.exists():
            privacy.privacy_request_open(by=None, customer=first_customer, kind="access", notes="Richiesta arrivata via e-mail")
    return created
