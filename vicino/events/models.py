"""Events: the site as a meeting place — launches, tastings, track days, open houses — their
tickets, the people registered (confirmed or waiting), and who came."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from vicino.core.models import Network, Site, Tenancy, TimeStamped
from vicino.people.models import Customer


class Event(TimeStamped):
    """One event of the network or of a site, with its place, time, audience and capacity."""

    class Kind(models.TextChoices):
        LAUNCH = "launch", _("Launch")
        LIFESTYLE = "lifestyle", _("Lifestyle evening")
        TASTING = "tasting", _("Tasting")
        TRACK_DAY = "track_day", _("Track day")
        OPEN_HOUSE = "open_house", _("Open house")
        COURSE = "course", _("Course")
        IN_STORE = "in_store", _("In-store event")

    class Audience(models.TextChoices):
        CUSTOMERS = "customers", _("Customers only")
        ENTHUSIASTS = "enthusiasts", _("Customers and enthusiasts")
        PUBLIC = "public", _("Open to the public")
        MEMBERS = "members", _("Members only")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("network"))
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("site"),
                             help_text=_("Empty for an event of the whole network."))  # fmt: skip
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices, default=Audience.ENTHUSIASTS)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    venue_name = models.CharField(_("outside venue"), max_length=200, blank=True, help_text=_("Empty when the event is at the site."))
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    venue_city = models.CharField(_("venue city"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(_("time zone"), max_length=40, default="Europe/Rome")
    capacity = models.PositiveIntegerField(_("places"), help_text=_("Everyone counts, companions included."))
    max_companions = models.PositiveSmallIntegerField(_("companions allowed per registration"), default=1)
    price = models.DecimalField(_("price (informative)"), max_digits=8, decimal_places=2, default=0)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    confirm_within_hours = models.PositiveSmallIntegerField(_("hours to confirm a place offered from the waiting list"), default=24)
    image = models.ImageField(_("image"), upload_to="events/%Y/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)

    tenancy = Tenancy(network="network", site="site", shared_without_site=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["network", "slug"], name="event_slug_per_network"),
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="event_order"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity"),
        ]
        indexes = [models.Index(fields=["network", "status", "starts_at"], name="event_schedule")]

    def __str__(self) -> str:
        return self.title


class Registration(TimeStamped):
    """A person's place at an event (with their companions), or their turn on its waiting list."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        OFFERED = "offered", _("Place offered, to confirm")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer"))
    email = models.EmailField(_("e-mail"), max_length=254)
    companions = models.PositiveSmallIntegerField(_("companions"), default=0)
    dietary_notes = models.CharField(_("dietary notes"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # The waiting list's order: the moment the person asked, not when a row changed.
    queued_at = models.DateTimeField(_("asked at"))
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("checked in by")
    )
    is_walk_in = models.BooleanField(_("registered at the door"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    tenancy = Tenancy(network="event__network", site="event__site", shared_without_site=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["queued_at", "pk"]
        constraints = [
            # One live registration per address and event; a cancelled one does not stop a new one.
            models.UniqueConstraint(fields=["event", "email"], condition=~Q(status="cancelled"), name="registration_once_per_email"),
        ]
        indexes = [models.Index(fields=["event", "status", "queued_at"], name="registration_queue")]

    @property
    def places(self) -> int:
        return 1 + self.companions
