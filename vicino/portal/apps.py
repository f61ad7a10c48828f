from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "vicino.portal"
    label = "portal"
    verbose_name = _("Customer portal")

    def ready(self) -> None:
        from django.urls import reverse

        from vicino.workshop.mail import order_link_register

        from .mail import portal_url

        # The workshop's e-mails to owners link to their order's page here (the workshop cannot import the portal).
        order_link_register(lambda order: portal_url(reverse("portal:order", args=[order.pk])))
