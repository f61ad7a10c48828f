"""What a site can promise: its resources and their hours, the offerings customers book, and the bookings.

A booking holds every resource it needs through one `Allocation` per resource, over the
booking's time plus the offering's buffers. Two active allocations of one resource never
overlap: PostgreSQL refuses it with an exclusion constraint (btree_gist), SQLite by taking
the write lock before the check (decision 006).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from vicino.core.models import Network, Site, Tenancy, TimeStamped
from vicino.people.models import Channel, Customer, Purpose
from vicino.sales.models import Lead, StockVehicle, VehicleModel

WEEKDAY_RANGE = Q(weekday__gte=0, weekday__lte=6)


class SiteCalendar(models.Model):
    """A site's own holiday: the patron saint of its town (Sant'Ambrogio, 7 December, in Milano)."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    patron_saint = models.CharField(_("patron saint"), max_length=100, blank=True)
    patron_month = models.PositiveSmallIntegerField(_("patron saint's month"), null=True, blank=True)
    patron_day = models.PositiveSmallIntegerField(_("patron saint's day"), null=True, blank=True)

    tenancy = Tenancy(network="site__network", site="site")

    class Meta:
        verbose_name = _("site calendar")
        verbose_name_plural = _("site calendars")
        constraints = [
            models.CheckConstraint(
                condition=Q(patron_month__isnull=True, patron_day__isnull=True)
                | Q(patron_month__gte=1, patron_month__lte=12, patron_day__gte=1, patron_day__lte=31),
                name="site_calendar_patron_date",
            )
        ]

    @property
    def patron_date(self) -> tuple[int, int] | None:
        return (self.patron_month, self.patron_day) if self.patron_month and self.patron_day else None


class OpeningException(models.Model):
    """A day a site keeps other hours than usual, or stays closed (stocktaking, a local event)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    date = models.DateField(_("date"))
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    tenancy = Tenancy(network="site__network", site="site")

    class Meta:
        verbose_name = _("exception to the opening hours")
        verbose_name_plural = _("exceptions to the opening hours")
        constraints = [
            models.UniqueConstraint(fields=["site", "date"], name="opening_exception_one_a_day"),
            # Closed all day (no hours), or open in one interval.
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True, closes_at__isnull=True) | Q(opens_at__lt=F("closes_at")), name="opening_exception_hours"
            ),
        ]

    @property
    def is_closed(self) -> bool:
        return self.opens_at is None


class Resource(TimeStamped):
    """Something or someone a booking needs: a demo car, a consultant, a bay, the delivery area, a charger."""

    class Kind(models.TextChoices):
        DEMO_VEHICLE = "demo_vehicle", _("Demo vehicle")
        CONSULTANT = "consultant", _("Consultant")
        ADVISOR = "advisor", _("Service advisor")
        BAY = "bay", _("Service bay")
        DELIVERY_AREA = "delivery_area", _("Delivery area")
        CHARGER = "charger", _("EV charger")
        LOUNGE = "lounge", _("Lounge place")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("network"))
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("staff member")
    )
    vehicle_model = models.ForeignKey(VehicleModel, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("model"))
    stock_vehicle = models.ForeignKey(
        StockVehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("vehicle in stock")
    )
    is_active = models.BooleanField(_("bookable"), default=True)

    tenancy = Tenancy(network="network", site="site")

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["site", "kind", "name"]
        indexes = [models.Index(fields=["site", "kind"], name="resource_site_kind")]

    def __str__(self) -> str:
        return self.name


class ResourceHours(models.Model):
    """When a resource can be booked on a weekday; a resource without any follows its site's opening hours."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="hours", verbose_name=_("resource"))
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))

    tenancy = Tenancy(network="resource__network", site="resource__site")

    class Meta:
        verbose_name = _("resource hours")
        verbose_name_plural = _("resource hours")
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="resource_hours_order"),
            models.CheckConstraint(condition=WEEKDAY_RANGE, name="resource_hours_weekday"),
        ]


class Closure(models.Model):
    """A time a resource cannot be booked: a consultant's holidays, a bay under repair, a car at the body shop."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="closures", verbose_name=_("resource"))
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    tenancy = Tenancy(network="resource__network", site="resource__site")

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="closure_order")]


class Offering(TimeStamped):
    """Something a customer can book at a site, with how long it takes and what it needs."""

    class Kind(models.TextChoices):
        TEST_DRIVE = "test_drive", _("Test drive")
        VIDEO = "video", _("Video consultation")
        SERVICE = "service", _("Service appointment")
        DELIVERY = "delivery", _("Delivery of a new car")
        CHARGING = "charging", _("EV charging")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("network"))
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    buffer_before_minutes = models.PositiveSmallIntegerField(_("free before (minutes)"), default=0)
    buffer_after_minutes = models.PositiveSmallIntegerField(
        _("free after (minutes)"), default=0, help_text=_("e.g. 15 minutes to sanitise a car between test drives")
    )
    step_minutes = models.PositiveSmallIntegerField(_("a slot every (minutes)"), default=15)
    min_notice_minutes = models.PositiveIntegerField(_("minimum notice (minutes)"), default=120)
    horizon_days = models.PositiveSmallIntegerField(_("bookable up to (days ahead)"), default=60)
    is_public = models.BooleanField(_("bookable online"), default=True)
    # A booking that shares the customer's details beyond the site (a video call on a third
    # party's platform) needs their consent for that purpose first: asked on the form, checked
    # by the service, kept in the consent ledger.
    consent_purpose = models.CharField(_("consent needed"), max_length=20, choices=Purpose.choices, blank=True)
    consent_text = models.CharField(_("what the customer agrees to"), max_length=300, blank=True)
    meeting_room_url = models.URLField(
        _("video rooms at"), blank=True, help_text=_("Each booking gets its own room at this address followed by a code nobody can guess.")
    )

    tenancy = Tenancy(network="network", site="site")

    class Meta:
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "slug"], name="offering_slug_per_site"),
            models.CheckConstraint(condition=Q(duration_minutes__gte=5), name="offering_duration"),
            models.CheckConstraint(condition=Q(step_minutes__gte=5), name="offering_step"),
        ]

    def __str__(self) -> str:
        return self.name


class OfferingNeed(models.Model):
    """One kind of resource an offering needs at the same time (a test drive: a demo car and a consultant)."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="needs", verbose_name=_("offering"))
    kind = models.CharField(_("resource"), max_length=20, choices=Resource.Kind.choices)
    quantity = models.PositiveSmallIntegerField(_("how many"), default=1)
    of_chosen_model = models.BooleanField(_("of the model the customer chooses"), default=False)

    tenancy = Tenancy(network="offering__network", site="offering__site")

    class Meta:
        verbose_name = _("resource needed")
        verbose_name_plural = _("resources needed")
        constraints = [
            models.UniqueConstraint(fields=["offering", "kind"], name="offering_need_once_per_kind"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="offering_need_quantity"),
        ]


class Checklist(models.Model):
    """What must be done before an offering's booking can start ("Sanificazione dell'auto prima della prova")."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="checklists", verbose_name=_("offering"))
    name = models.CharField(_("name"), max_length=120)

    tenancy = Tenancy(network="offering__network", site="offering__site")

    class Meta:
        verbose_name = _("preparation checklist")
        verbose_name_plural = _("preparation checklists")
        ordering = ["offering", "pk"]

    def __str__(self) -> str:
        return self.name


class ChecklistStep(models.Model):
    """One thing to do on a checklist: cleaned, sanitised, documents ready, charged."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="steps", verbose_name=_("checklist"))
    label = models.CharField(_("step"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    tenancy = Tenancy(network="checklist__offering__network", site="checklist__offering__site")

    class Meta:
        verbose_name = _("checklist step")
        verbose_name_plural = _("checklist steps")
        ordering = ["checklist", "position", "pk"]


class Booking(TimeStamped):
    """A customer's appointment at a site: what, when, and for whom."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        STARTED = "started", _("Started")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("network"))
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("offering"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    vehicle_model = models.ForeignKey(VehicleModel, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("model"))
    lead = models.ForeignKey(Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings", verbose_name=_("lead"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    campaign = models.CharField(_("campaign"), max_length=100, blank=True)
    meeting_link = models.URLField(_("meeting link"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("booked by")
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    no_show_at = models.DateTimeField(_("marked no-show at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    # The iCalendar SEQUENCE: each change the customer is told of raises it, so their calendar replaces the event.
    sequence = models.PositiveSmallIntegerField(_("changes"), default=0)

    tenancy = Tenancy(network="network", site="site")

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["site", "starts_at"], name="booking_site_time")]
        constraints = [models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="booking_order")]

    def __str__(self) -> str:
        return f"{self.offering} · {self.customer}"

    @property
    def is_active(self) -> bool:
        return self.status not in (self.Status.CANCELLED, self.Status.NO_SHOW)


class BookingCheck(models.Model):
    """A checklist step for one booking, copied from the offering's checklist when booked; who ticked it and when."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="checks", verbose_name=_("booking"))
    checklist = models.CharField(_("checklist"), max_length=120)
    label = models.CharField(_("step"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("done by")
    )

    tenancy = Tenancy(network="booking__network", site="booking__site")

    class Meta:
        verbose_name = _("preparation step")
        verbose_name_plural = _("preparation steps")
        ordering = ["booking", "position", "pk"]


class Allocation(models.Model):
    """A resource held for a booking, buffers included; an inactive one (cancelled booking) frees it."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("booking"))
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="+", verbose_name=_("resource"))
    starts_at = models.DateTimeField(_("held from"))
    ends_at = models.DateTimeField(_("held until"))
    is_active = models.BooleanField(default=True)

    tenancy = Tenancy(network="booking__network", site="booking__site")

    class Meta:
        verbose_name = _("resource held")
        verbose_name_plural = _("resources held")
        indexes = [
            models.Index(fields=["resource", "starts_at"], name="allocation_resource_time", condition=Q(is_active=True)),
            # A period's holds are those ending after it starts: by end, years of past holds are skipped.
            models.Index(fields=["resource", "ends_at"], name="allocation_resource_until", condition=Q(is_active=True)),
        ]
        constraints = [models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="allocation_order")]
