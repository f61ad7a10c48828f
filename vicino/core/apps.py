from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "vicino.core"
    label = "core"
    verbose_name = _("Network and sites")

    def ready(self) -> None:
        from django.db.models import fields

        from . import navigation
        from .roles import Capability
        from .schedule import daily_register
        from .tasks import database_statistics_refresh

        daily_register(database_statistics_refresh)
        # The empty choice of every select; Django's own label has no Italian yet.
        fields.BLANK_CHOICE_LABEL = _("— choose —")

        navigation.register("core:home", _("Home"))
        navigation.register("core:site-list", _("Sites"), capability=Capability.SITES_VIEW)
        navigation.register("core:team", _("Team"), capability=Capability.TEAM_VIEW)
        navigation.register("core:audit-list", _("Audit log"), capability=Capability.AUDIT_VIEW, group=_("Administration"))
