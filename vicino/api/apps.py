from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "vicino.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from vicino.core import navigation
        from vicino.core.audit import action_labels_register

        navigation.register_user_link("api:token-list", _("API tokens"))
        action_labels_register({"api_token.create": _("API token created"), "api_token.revoke": _("API token revoked")})
