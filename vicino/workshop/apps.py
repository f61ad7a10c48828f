from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopConfig(AppConfig):
    name = "vicino.workshop"
    label = "workshop"
    verbose_name = _("Workshop")

    def ready(self) -> None:
        from vicino.core import navigation
        from vicino.core.audit import action_labels_register
        from vicino.core.demo import demo_builder_register
        from vicino.core.roles import Capability
        from vicino.people.timeline import kind_labels_register

        from .demo import demo_workshop_build

        demo_builder_register(demo_workshop_build)
        navigation.register("workshop:board", _("Workshop"), capability=Capability.WORKSHOP_VIEW)
        action_labels_register(
            {
                "vehicle.create": _("Vehicle recorded"),
                "vehicle.update": _("Vehicle changed"),
                "repair_order.open": _("Repair order opened"),
                "repair_order.status": _("Repair order moved"),
                "repair_order.line": _("Line of work added"),
                "repair_order.finding": _("Extra work proposed"),
                "repair_order.answer": _("Customer's answer to proposed work"),
                "repair_order.assign": _("Repair order assigned"),
                "courtesy.out": _("Courtesy car lent"),
                "courtesy.back": _("Courtesy car given back"),
            }
        )
        kind_labels_register(
            {
                "workshop.opened": _("Repair order"),
                "workshop.update": _("Workshop update"),
                "workshop.finding": _("Work proposed"),
                "workshop.answer": _("Answer to proposed work"),
                "workshop.ready": _("Car ready"),
                "workshop.delivered": _("Car handed back"),
                "workshop.courtesy_out": _("Courtesy car lent"),
                "workshop.courtesy_back": _("Courtesy car given back"),
                "workshop.approval_mail": _("Approval request e-mail"),
                "workshop.ready_mail": _("Car ready e-mail"),
            }
        )
