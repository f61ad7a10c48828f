"""Personal API tokens: shown once, stored hashed, revocable, acting as their owner in one membership.

And the idempotency keys under which POST requests were answered, so a retry is answered the same.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vicino.core.models import Membership, Tenancy


class ApiToken(models.Model):
    """A bearer token; only its prefix (to find it) and a SHA-256 of the whole (to check it) are kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    # The token acts through exactly one of its owner's memberships; losing that role kills it.
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("acts as"))
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    tenancy = Tenancy(network="membership__network", site="membership__site")

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyKey(models.Model):
    """A POST answered under a client's Idempotency-Key: a retry with the same key gets the same answer."""

    # Still being processed: the first request holds the key and has not answered yet.
    IN_PROGRESS = 0

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    key = models.CharField(_("key"), max_length=200)
    method = models.CharField(max_length=10)
    path = models.TextField()
    body_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(default=IN_PROGRESS)
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]
        # Expired keys are purged by age.
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created")]

    def __str__(self) -> str:
        return self.key
