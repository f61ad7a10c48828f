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
    # The "+1" ticket: at most this many of the places go to companions; empty, any of them may.
    companion_capacity = models.PositiveIntegerField(_("places for companions"), null=True, blank=True,
                                                     help_text=_("Empty: companions may take any of the places."))  # fmt: skip
    price = models.DecimalField(_("price (informative)"), max_digits=8, decimal_places=2, default=0)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    confirm_within_hours = models.PositiveSmallIntegerField(_("hours to confirm a place offered from the waiting list"), default=24)
    image = models.ImageField(_("image"), upload_to="events/%Y/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Raised at every change of date or status the guests are told of, so their calendars update the same event.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # When attendance was settled: the guests who did not come are recorded as no-shows once.
    closed_at = models.DateTimeField(_("attendance recorded at"), null=True, blank=True, editable=False)

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

    @property
    def place_name(self) -> str:
        return self.venue_name or (self.site.name if self.site_id else "")

    @property
    def place_address(self) -> str:
        if self.venue_name:
            return ", ".join(part for part in (self.venue_address, self.venue_city) if part)
        site = self.site
        return ", ".join(part for part in (site.street, f"{site.cap} {site.city}".strip()) if part) if site else ""

    @property
    def city(self) -> str:
        return self.venue_city if self.venue_name else (self.site.city if self.site_id else self.venue_city)

    @property
    def is_free(self) -> bool:
        return not self.price


class Registration(TimeStamped):
    """A person's place at an event (with their companions), or their turn on its waiting list."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        OFFERED = "offered", _("Place offered, to confirm")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer"))
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
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
    # The event brought this person to us: their customer record was created by this registration.
    new_customer = models.BooleanField(_("new customer"), default=False)
    # Who they were to us then (an enthusiast, a customer…): an enthusiast who later asks for a car is the event's lead.
    relation_then = models.CharField(_("relation when registering"), max_length=12, choices=Customer.Relation.choices, blank=True)
    # No payment is processed: staff mark a paid ticket when the money came in.
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    no_show = models.BooleanField(_("did not come"), default=False)
    thanked_at = models.DateTimeField(_("thanked at"), null=True, blank=True)

    tenancy = Tenancy(network="event__network", site="event__site", shared_without_site=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["queued_at", "pk"]
        constraints = [
            # One live registration per address and event; a cancelled one does not stop a new one, and walk-ins may give none.
            models.UniqueConstraint(fields=["event", "email"], condition=~Q(status="cancelled") & ~Q(email=""), name="registration_once_per_email"),
        ]
        indexes = [models.Index(fields=["event", "status", "queued_at"], name="registration_queue")]

    @property
    def places(self) -> int:
        return 1 + self.companions


class Partner(TimeStamped):
    """A sponsor or partner of the network's events: a winery, a tyre maker, a local club."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("network"))
    name = models.CharField(_("name"), max_length=200)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    tenancy = Tenancy(network="network")

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["network", "name"], name="partner_name_per_network")]

    def __str__(self) -> str:
        return self.name


class Sponsorship(TimeStamped):
    """What a partner gives an event and what they get for it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sponsorships", verbose_name=_("event"))
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="sponsorships", verbose_name=_("partner"))
    gives = models.CharField(_("what they give"), max_length=300)
    gets = models.CharField(_("what they get"), max_length=300, blank=True)
    value = models.DecimalField(_("value (€)"), max_digits=10, decimal_places=2, default=0)

    tenancy = Tenancy(network="event__network", site="event__site", shared_without_site=True)

    class Meta:
        verbose_name = _("sponsorship")
        verbose_name_plural = _("sponsorships")
        ordering = ["event__starts_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="sponsorship_value")]


class SponsorshipDocument(TimeStamped):
    """A contract, an invoice or a logo that goes with a sponsorship (PDF or image, checked by its bytes)."""

    sponsorship = models.ForeignKey(Sponsorship, on_delete=models.CASCADE, related_name="documents", verbose_name=_("sponsorship"))
    file = models.FileField(_("file"), upload_to="sponsorships/%Y/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=50)

    tenancy = Tenancy(network="sponsorship__event__network", site="sponsorship__event__site", shared_without_site=True)

    class Meta:
        verbose_name = _("sponsorship document")
        verbose_name_plural = _("sponsorship documents")
        ordering = ["pk"]
