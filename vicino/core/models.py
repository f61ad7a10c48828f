"""The network, its sites, the people who work there and what they did."""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .italy import PROVINCE_CHOICES, validate_cap
from .roles import HEAD_OFFICE_ROLES, SITE_ROLES, Role


@dataclass(frozen=True)
class Tenancy:
    """Where a tenant model keeps its network and site, for the scoping function.

    `network` and `site` are lookup paths from the model (e.g. "network",
    "lead__site"); `site=None` means the record belongs to the whole network.
    With `shared_without_site`, a row whose site is empty belongs to the whole
    network (a customer no site follows yet), so site members see it too.
    """

    network: str
    site: str | None = None
    shared_without_site: bool = False


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Network(TimeStamped):
    """A brand with its dealerships, or a cooperative with its stores: one tenant."""

    class Kind(models.TextChoices):
        BRAND = "brand", _("Car brand")
        COOPERATIVE = "cooperative", _("Retail cooperative")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    tenancy = Tenancy(network="pk")

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(TimeStamped):
    """A physical place of the network: a dealership, a store, a mall, an office."""

    class Kind(models.TextChoices):
        DEALERSHIP = "dealership", _("Dealership")
        STORE = "store", _("Store")
        MALL = "mall", _("Shopping mall")
        OFFICE = "office", _("Office")

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="sites", verbose_name=_("network"))
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(
        _("code"),
        max_length=20,
        help_text=_("Short internal code, unique in the network, e.g. MI01."),
        validators=[RegexValidator(r"^[A-Za-z0-9-]+$", _("Letters, digits and hyphens only."))],
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    cap = models.CharField(_("CAP"), max_length=5, blank=True, validators=[validate_cap])
    city = models.CharField(_("city"), max_length=100)
    province = models.CharField(_("province"), max_length=2, choices=PROVINCE_CHOICES)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    tenancy = Tenancy(network="network", site="pk")

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["network", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "code"], name="site_code_unique_in_network"),
        ]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One opening interval of a site on a weekday; a day may have several (lunch break)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("site"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    tenancy = Tenancy(network="site__network", site="site")

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["site", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(opens_at__lt=models.F("closes_at")), name="opening_hours_opens_before_closing"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, email: str) -> "User":
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who works in Vicino; they log in with their e-mail address."""

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="it")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("May open the Django administration.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name"]
        constraints = [
            # Addresses are stored lower-cased; the constraint also guards raw writes.
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Membership(TimeStamped):
    """A user's role in a network, and for site roles the site they work at."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("network"))
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("site")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    tenancy = Tenancy(network="network", site="site")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["network", "site", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(HEAD_OFFICE_ROLES), site__isnull=True)
                    | Q(role__in=sorted(SITE_ROLES), site__isnull=False)
                ),
                name="membership_site_matches_role",
            ),
            # One membership per person and place; NULL sites need their own rule
            # because NULLs never collide in a unique index.
            models.UniqueConstraint(
                fields=["user", "network"], condition=Q(site__isnull=True), name="membership_unique_head_office"
            ),
            models.UniqueConstraint(fields=["user", "site"], condition=Q(site__isnull=False), name="membership_unique_site"),
        ]

    def __str__(self) -> str:
        place = self.site.name if self.site_id else self.network.name
        return f"{self.get_role_display()} · {place}"


def _shown(value: object, choices: dict) -> object:
    """A stored value as a reader wants it: choice labels, lists joined, empty as nothing."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return choices.get(value, value) if isinstance(value, (str, int)) else value


class AuditEntry(models.Model):
    """One write done through a service: who, what, when, and the fields it changed."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("network")
    )
    site = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("site"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )
    action = models.CharField(_("action"), max_length=60)
    target_type = models.CharField(_("record type"), max_length=60)
    target_id = models.CharField(_("record id"), max_length=40)
    target_repr = models.CharField(_("record"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    tenancy = Tenancy(network="network", site="site")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["network", "-created_at"], name="audit_network_recent")]

    def __str__(self) -> str:
        return f"{self.action} {self.target_repr}"

    @property
    def action_label(self) -> str:
        from .audit import action_label

        return action_label(self.action)

    def changes_display(self) -> list[tuple[str, object, object]]:
        """(field name, before, after) in the reader's language, choice codes shown as labels."""
        try:
            model = apps.get_model(self.target_type)
        except LookupError:
            model = None
        rows = []
        for name, (before, after) in self.changes.items():
            if before == after:
                continue
            label, choices = name, {}
            if model is not None:
                try:
                    field = model._meta.get_field(name)
                    if field.auto_created and not field.concrete:
                        label = str(field.related_model._meta.verbose_name_plural)
                    else:
                        label, choices = str(field.verbose_name), dict(field.flatchoices or [])
                except FieldDoesNotExist:
                    pass
            rows.append((label, _shown(before, choices), _shown(after, choices)))
        return rows


class ScheduledRun(models.Model):
    """A daily task enqueued for a day: the unique row stops two workers enqueuing it twice."""

    name = models.CharField(max_length=100)
    day = models.DateField()
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="scheduled_run_once_a_day")]
