"""The events' cast: a tasting in Milano's showroom, and a quick way to register someone for it."""

from django.utils import timezone

from vicino.events import services
from vicino.people.matching import PersonIn

NOW = timezone.now()


def register(event, n: int, companions: int = 0, **more):
    return services.registration_create(event=event, person=PersonIn(first_name=f"Ospite{n}", last_name="Dell'Orto", emails=(f"ospite{n}@example.it",)),
                                        email=f"ospite{n}@example.it", companions=companions, now=more.pop("now", NOW), **more)  # fmt: skip
