from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "vicino.bookings"
    label = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        from vicino.core import navigation
        from vicino.core.audit import action_labels_register
        from vicino.core.demo import demo_builder_register
        from vicino.core.roles import Capability
        from vicino.core.schedule import every_minutes_register
        from vicino.people.timeline import kind_labels_register

        from .demo import demo_bookings_build
        from .tasks import booking_reminders_mail

        demo_builder_register(demo_bookings_build)
        every_minutes_register(booking_reminders_mail, 15)
        navigation.register("bookings:calendar", _("Diary"), capability=Capability.BOOKINGS_VIEW)
        action_labels_register(
            {
                "booking.create": _("Booking made"),
                "booking.reschedule": _("Booking moved"),
                "booking.cancel": _("Booking cancelled"),
                "booking.no_show": _("Booking missed"),
                "booking.check": _("Preparation step ticked"),
                "booking.start": _("Booking started"),
                "booking.complete": _("Booking completed"),
                "booking_resource.save": _("Diary resource saved"),
                "booking_closure.add": _("Resource closed for a time"),
                "booking_closure.remove": _("Resource closure removed"),
                "opening_exception.set": _("Other opening hours for a day"),
                "opening_exception.remove": _("Other opening hours removed"),
                "site_calendar.set": _("Patron saint's day set"),
                "offering.save": _("Offering saved"),
            }
        )
        kind_labels_register(
            {
                "booking.created": _("Booking"),
                "booking.rescheduled": _("Booking moved"),
                "booking.cancelled": _("Booking cancelled"),
                "booking.no_show": _("No-show"),
                "booking.completed": _("Booking completed"),
                "booking.confirmation": _("Booking confirmation"),
                "booking.moved": _("Booking change e-mail"),
                "booking.reminder": _("Booking reminder"),
            }
        )
