"""Background work of bookings: the e-mails to customers."""

from django.tasks import task


@task
def booking_confirmation_mail(booking_id: int) -> bool:
    """After a booking is made: its confirmation with the calendar invitation."""
    from .mail import booking_confirmation_send
    from .models import Booking

    booking = Booking.objects.select_related("site", "customer", "offering", "vehicle_model").filter(pk=booking_id).first()
    return booking_confirmation_send(booking=booking) if booking is not None and booking.is_active else False
