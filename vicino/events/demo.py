"""Demo events: for Aurora a tasting in the Milano showroom with few places left, a network launch at an
outside venue, a track day; for Borgo Comune a producers' market in its mall and a cooking course for
members. A few guests registered, and sponsors. Idempotent: events by address."""

import datetime

from django.utils import timezone

from vicino.core.models import Network, Site
from vicino.people.matching import PersonIn
from vicino.people.models import Customer
from vicino.people.queries import customer_email

from . import services
from .models import Event, Partner, Sponsorship

K = Event.Kind
# (network, slug, site code or None, kind, title, days ahead, hour, hours long, capacity, venue, description)
EVENTS = [
    ("aurora", "degustazione-franciacorta", "MI01", K.TASTING, "Degustazione Franciacorta in salone", 9, 19, 3, 12, None,
     "Una sera tra le auto nuove con tre cantine della Franciacorta. Posti limitati, accompagnatore ammesso."),
    ("aurora", "lancio-stella-ev", None, K.LAUNCH, "Anteprima Stella EV", 20, 18, 4, 150, ("Base Milano", "Via Bergognone 34", "Milano"),
     "La nuova Stella elettrica svelata in anteprima per clienti e appassionati: prove statiche, musica e aperitivo."),
    ("aurora", "track-day-monza", "MI01", K.TRACK_DAY, "Track day all'Autodromo", 35, 9, 8, 40, ("Autodromo Nazionale Monza", "Via Vedano 5", "Monza"),
     "Una giornata in pista con istruttori professionisti. Casco e assicurazione inclusi."),
    ("borgo", "mercato-produttori", "CC01", K.IN_STORE, "Mercato dei produttori dell'Appennino", 6, 10, 8, 300, None,
     "Formaggi, salumi e miele dei soci produttori, in galleria tutto il giorno."),
    ("borgo", "corso-cucina-soci", "BO01", K.COURSE, "Corso di cucina: la sfoglia", 14, 18, 3, 16, None,
     "Tirare la sfoglia al mattarello con le sfogline di Bologna. Riservato ai soci."),
]  # fmt: skip


def demo_events_build() -> int:
    made = 0
    today = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    for network_slug, slug, site_code, kind, title, days, hour, hours, capacity, venue, description in EVENTS:
        network = Network.objects.filter(slug=network_slug).first()
        if network is None or Event.objects.filter(network=network, slug=slug).exists():
            continue
        site = Site.objects.filter(network=network, code=site_code).first() if site_code else None
        starts = (today + datetime.timedelta(days=days)).replace(hour=hour)
        venue_name, venue_address, venue_city = venue or ("", "", "")
        Event.objects.create(network=network, site=site, slug=slug, kind=kind, title=title, description=description, starts_at=starts,
                             ends_at=starts + datetime.timedelta(hours=hours), capacity=capacity, venue_name=venue_name,
                             venue_address=venue_address, venue_city=venue_city, status=Event.Status.PUBLISHED,
                             audience=Event.Audience.MEMBERS if slug == "corso-cucina-soci" else Event.Audience.ENTHUSIASTS,
                             price=25 if kind == K.TRACK_DAY else 0)  # fmt: skip
        made += 1
    network = Network.objects.filter(slug="aurora").first()
    if network is None:
        return made
    tasting = Event.objects.filter(network=network, slug="degustazione-franciacorta").first()
    if tasting is not None and not tasting.registrations.exists():
        for customer in Customer.objects.filter(network=network, erased_at__isnull=True).order_by("pk")[:5]:
            email = customer_email(customer)
            if email:
                services.registration_create(event=tasting, person=PersonIn(first_name=customer.first_name, last_name=customer.last_name,
                                                                            emails=(email,)), email=email, companions=1)  # fmt: skip
        partner, _created = Partner.objects.get_or_create(network=network, name="Cantina Ca' del Bosco (demo)",
                                                          defaults={"contact_name": "Ufficio eventi", "email": "eventi@example.com"})  # fmt: skip
        Sponsorship.objects.get_or_create(event=tasting, partner=partner, defaults={
            "gives": "Vini per la degustazione e un sommelier", "gets": "Logo sull'invito e sui social", "value": 1200})  # fmt: skip
    return made
