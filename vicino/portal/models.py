"""The customer portal's own records: the one-time sign-in links it e-mails, and the requests for them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vicino.core.models import Tenancy
from vicino.people.models import Customer


class SignInRequest(models.Model):
    """Someone asked for a sign-in link for an address, known or not: what the hourly limit counts.

    The address is kept only as a keyed digest: an address that belongs to no customer is
    personal data the network has no reason to hold.
    """

    email_digest = models.CharField(max_length=64)
    requested_ip = models.GenericIPAddressField(_("from IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("sign-in request")
        verbose_name_plural = _("sign-in requests")
        indexes = [models.Index(fields=["email_digest", "created_at"], name="signin_request_limit")]


class SignInLink(models.Model):
    """A link e-mailed to a customer that opens their portal once, within 15 minutes; only its hash is kept."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer"))
    request = models.ForeignKey(SignInRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="links")
    email = models.EmailField(_("sent to"), max_length=254)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    requested_ip = models.GenericIPAddressField(_("from IP address"), null=True, blank=True)

    tenancy = Tenancy(network="customer__network", site="customer__site", shared_without_site=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(created_at__lt=models.F("expires_at")), name="signin_link_expires_after")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.created_at:%Y-%m-%d %H:%M}"
