"""Background work of bookings: the e-mails to customers, and the reminders the day before."""

from django.tasks import task


def _booking(booking_id: int):
    from .models import Booking

    return Booking.objects.select_related("site", "customer", "offering", "vehicle_model").filter(pk=booking_id).first()


@task
def booking_confirmation_mail(booking_id: int) -> bool:
    """After a booking is made: its confirmation with the calendar invitation."""
    from .mail import booking_confirmation_send

    booking = _booking(booking_id)
    return booking_confirmation_send(booking=booking) if booking is not None and booking.is_active else False


@task
def booking_change_mail(booking_id: int) -> bool:
    """After a booking moved or was cancelled: the customer is told, and their calendar updated."""
    from .mail import booking_change_send

    booking = _booking(booking_id)
    return booking_change_send(booking=booking) if booking is not None else False


@task
def booking_reminders_mail() -> int:
    """Every quarter of an hour: the reminders of bookings that begin within a day."""
    from .services import booking_reminders_send

    return booking_reminders_send()
