from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "vicino.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from vicino.core import navigation

        navigation.register_user_link("api:token-list", _("API tokens"))
