from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "vicino.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from vicino.core import navigation
        from vicino.core.audit import action_labels_register
        from vicino.core.demo import demo_builder_register
        from vicino.core.roles import Capability
        from vicino.core.schedule import every_minutes_register
        from vicino.people.timeline import kind_labels_register

        from .demo import demo_events_build
        from .tasks import events_sweep_run

        demo_builder_register(demo_events_build)
        every_minutes_register(events_sweep_run, 15)
        navigation.register("events:list", _("Events"), capability=Capability.EVENTS_VIEW)
        action_labels_register(
            {
                "event.save": _("Event saved"),
                "event.publish": _("Event published"),
                "event.reschedule": _("Event moved"),
                "event.postpone": _("Event postponed"),
                "event.cancel": _("Event cancelled"),
                "event.close": _("Event attendance recorded"),
                "event.thanks": _("Thank-you e-mails sent"),
                "event.check_in": _("Guest checked in"),
                "event.walk_in": _("Guest registered at the door"),
                "event.paid": _("Ticket marked paid"),
                "event.guests_export": _("Guest list exported"),
                "event.registration_cancel": _("Registration cancelled by staff"),
                "partner.save": _("Partner saved"),
                "sponsorship.save": _("Sponsorship recorded"),
            }
        )
        kind_labels_register(
            {
                "event.registered": _("Event registration"),
                "event.waiting": _("Event waiting list"),
                "event.offered": _("Event place offered"),
                "event.offer_lapsed": _("Event place not confirmed"),
                "event.cancelled": _("Event registration cancelled"),
                "event.attended": _("Event attended"),
                "event.no_show": _("Event missed"),
                "event.mail.confirmed": _("Event ticket"),
                "event.mail.waiting": _("Event waiting-list e-mail"),
                "event.mail.offered": _("Event place offer"),
                "event.mail.cancelled": _("Event cancellation e-mail"),
                "event.mail.event_cancelled": _("Event cancelled notice"),
                "event.mail.rescheduled": _("Event new date notice"),
                "event.mail.postponed": _("Event postponed notice"),
                "event.mail.thanks": _("Event thank-you"),
            }
        )
