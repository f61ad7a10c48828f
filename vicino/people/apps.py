from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "vicino.people"
    label = "people"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from vicino.core.demo import demo_builder_register
        from vicino.core.schedule import daily_register

        from .demo import demo_customers_build

        from .tasks import consents_expire_all, search_indexes_repair

        post_migrate.connect(_install_database_objects, sender=self)
        daily_register(consents_expire_all)
        daily_register(search_indexes_repair)
        demo_builder_register(demo_customers_build)
        from vicino.core import navigation
        from vicino.core.audit import action_labels_register
        from vicino.core.roles import Capability

        navigation.register("people:customer-list", _("Customers"), capability=Capability.CUSTOMERS_VIEW)
        navigation.register("people:privacy-request-list", _("Privacy requests"), capability=Capability.PRIVACY_MANAGE, group=_("Administration"))
        navigation.register("people:privacy-settings", _("Privacy settings"), capability=Capability.PRIVACY_MANAGE, group=_("Administration"))
        action_labels_register(
            {
                "customer.create": _("Customer created"),
                "customer.update": _("Customer changed"),
                "customer.merge": _("Customers merged"),
                "customer.erase": _("Customer erased"),
                "customer.import": _("Customers imported"),
                "customer.export": _("Customers exported"),
                "customer.data_export": _("Customer's data downloaded"),
                "contact_point.add": _("Contact added"),
                "contact_point.remove": _("Contact removed"),
                "retention.set": _("Retention rule changed"),
                "privacy_notice.publish": _("Privacy notice published"),
            }
        )


def _install_database_objects(sender, using: str = "default", **kwargs) -> None:
    from django.db import connections

    from vicino.core.bulk import indexes_restore

    from .dbobjects import database_objects_install

    database_objects_install(connections[using])
    if using == "default":
        indexes_restore(*sender.get_models())  # any that a killed bulk import left out
