from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "vicino.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from vicino.core import navigation
        from vicino.core.audit import action_labels_register
        from vicino.core.roles import Capability
        from vicino.core.schedule import every_minutes_register
        from vicino.people.timeline import kind_labels_register

        from vicino.core.demo import demo_builder_register

        from .demo import demo_sales_build
        from .tasks import adf_inbox_pickup, lead_response_alerts_send

        demo_builder_register(demo_sales_build)

        every_minutes_register(lead_response_alerts_send, 5)
        every_minutes_register(adf_inbox_pickup, 5)
        navigation.register("sales:board", _("Leads"), capability=Capability.LEADS_VIEW)
        navigation.register("sales:stock-list", _("Vehicles"), capability=Capability.LEADS_VIEW)
        navigation.register("sales:report", _("Sales report"), capability=Capability.SALES_REPORT)
        action_labels_register(
            {
                "lead.create": _("Lead created"),
                "lead.assign": _("Lead assigned"),
                "lead.stage": _("Lead moved"),
                "lead.task_done": _("Task done"),
                "lead.trade_in": _("Trade-in recorded"),
                "lead.configuration": _("Configuration chosen"),
                "leads.adf_import": _("ADF leads imported"),
                "vehicle.create": _("Vehicle added"),
                "vehicle.update": _("Vehicle changed"),
                "quote.create": _("Quote prepared"),
                "quote.update": _("Quote changed"),
                "quote.send": _("Quote sent"),
                "consultant.availability": _("Round-robin changed"),
            }
        )
        kind_labels_register(
            {
                "lead.created": _("Enquiry"),
                "lead.stage": _("Lead moved"),
                "lead.call": _("Call about a lead"),
                "lead.email": _("E-mail about a lead"),
                "lead.sms": _("Message about a lead"),
                "lead.meeting": _("Meeting about a lead"),
                "lead.note": _("Note on a lead"),
                "lead.configuration": _("Configuration"),
                "lead.order": _("Order"),
                "quote.created": _("Quote"),
                "quote.sent": _("Quote sent"),
            }
        )
