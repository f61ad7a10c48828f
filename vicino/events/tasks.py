"""Background work of events: the guests' e-mails, and the quarter-hourly sweep of offers and ended events."""

from django.tasks import task


@task
def registration_mail(registration_id: int, kind: str) -> bool:
    """One e-mail to one guest (their ticket, their turn, their offer…), as `mail.registration_mail_send` writes it."""
    from .mail import registration_mail_send
    from .models import Registration

    registration = Registration.objects.select_related("event__site", "event__network", "customer").filter(pk=registration_id).first()
    return registration_mail_send(registration=registration, kind=kind) if registration is not None else False


@task
def event_mail(event_id: int, kind: str) -> int:
    """The event moved, was postponed or cancelled: every guest still registered or waiting is told."""
    from .mail import registration_mail_send
    from .models import Registration
    from .services import LIVE

    sent = 0
    guests = Registration.objects.filter(event_id=event_id, status__in=LIVE).select_related("event__site", "event__network", "customer")
    for registration in guests.iterator(chunk_size=200):
        sent += registration_mail_send(registration=registration, kind=kind)
    return sent


@task
def events_sweep_run() -> int:
    from .services import events_sweep

    return events_sweep()
