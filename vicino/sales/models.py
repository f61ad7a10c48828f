"""Leads and their pipeline, the vehicles a site sells, configurations, quotes and orders.

Money is stored net of VAT (imponibile) in euro with cents, as `Decimal`: a quote adds
VAT on top and shows it separately (decision 005). Every amount is zero or more; a
discount or a trade-in is a line of its own kind that the totals subtract.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vicino.core.models import Network, Site, Tenancy, TimeStamped
from vicino.people.models import Channel, Customer



def validate_not_negative(value) -> None:
    if value is not None and value < 0:
        raise ValidationError(
            _("An amount cannot be negative: enter a discount or a trade-in as a line of its own."), code="negative_amount"
        )


MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [validate_not_negative]}

# ISO 3779: 17 characters, digits and capitals without I, O and Q (mistaken for 1 and 0).
# The check digit in position 9 is compulsory only in North America, so it is not checked.
_VIN_RE = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
# Italian plates since 1994: two letters, three digits, two letters (no I, O, Q, U).
_PLATE_RE = re.compile(r"[A-HJ-NPR-TV-Z]{2}[0-9]{3}[A-HJ-NPR-TV-Z]{2}")


def vin_clean(value: str) -> str:
    return "".join(value.split()).upper()


def vin_is_valid(value: str) -> bool:
    return bool(_VIN_RE.fullmatch(value))


def validate_vin(value: str) -> None:
    if value and not _VIN_RE.fullmatch(value):
        raise ValidationError(
            _("A VIN has 17 letters and digits, without I, O or Q: “%(value)s” is not one."), code="invalid_vin", params={"value": value}
        )


def validate_plate(value: str) -> None:
    if value and not _PLATE_RE.fullmatch(value):
        raise ValidationError(_("An Italian plate reads like AB123CD: “%(value)s” is not one."), code="invalid_plate", params={"value": value})


class Fuel(models.TextChoices):
    PETROL = "petrol", _("Petrol")
    DIESEL = "diesel", _("Diesel")
    HYBRID = "hybrid", _("Hybrid")
    PLUG_IN = "plug_in", _("Plug-in hybrid")
    ELECTRIC = "electric", _("Electric")
    LPG = "lpg", _("LPG")
    METHANE = "methane", _("Methane")


class Condition(models.TextChoices):
    NEW = "new", _("New")
    USED = "used", _("Used")
    DEMO = "demo", _("Demo")


# --- Routing settings ---------------------------------------------------------------------


class SiteSalesSettings(models.Model):
    """How a site takes leads: whether routing sends it any, and how fast it must answer."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="sales_settings", verbose_name=_("site"))
    takes_leads = models.BooleanField(_("takes leads"), default=True, help_text=_("Routing sends enquiries to this site."))
    response_target_minutes = models.PositiveIntegerField(
        _("first response target (minutes)"), default=30, help_text=_("Counted in opening hours; past it the site manager is alerted.")
    )

    tenancy = Tenancy(network="site__network", site="site")

    class Meta:
        verbose_name = _("sales settings of a site")
        verbose_name_plural = _("sales settings of sites")
        constraints = [models.CheckConstraint(condition=Q(response_target_minutes__gte=1), name="sales_response_target_positive")]


class ConsultantAvailability(models.Model):
    """A consultant's place in their site's round-robin: away or not, and when they last got a lead."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("consultant"))
    is_available = models.BooleanField(_("takes new leads"), default=True)
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    tenancy = Tenancy(network="site__network", site="site")

    class Meta:
        verbose_name = _("consultant availability")
        verbose_name_plural = _("consultant availability")
        constraints = [models.UniqueConstraint(fields=["site", "user"], name="consultant_availability_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.site}"


# --- Documents received -------------------------------------------------------------------


class AdfDocument(models.Model):
    """An ADF/XML document as a lead portal sent it, kept whole: each lead it brought links to it."""

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Uploaded file")
        API = "api", _("API")
        FOLDER = "folder", _("Folder pickup")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("network"))
    source = models.CharField(_("received by"), max_length=10, choices=Source.choices)
    filename = models.CharField(_("file"), max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(_("document"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    prospect_count = models.PositiveIntegerField(_("prospects"), default=0)
    lead_count = models.PositiveIntegerField(_("leads created"), default=0)
    # Each {"prospect", "element", "message"}: what could not be imported, for the sender.
    problems = models.JSONField(_("problems"), default=list, blank=True)

    tenancy = Tenancy(network="network")

    class Meta:
        verbose_name = _("ADF document")
        verbose_name_plural = _("ADF documents")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.filename or f"ADF {self.received_at:%d/%m/%Y %H:%M}"


# --- Vehicles -----------------------------------------------------------------------------


class VehicleModel(models.Model):
    """One version of the network's catalogue: make, model and trim, with its list price."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("network"))
    make = models.CharField(_("make"), max_length=60)
    model = models.CharField(_("model"), max_length=80)
    trim = models.CharField(_("trim"), max_length=80, blank=True)
    fuel = models.CharField(_("fuel"), max_length=10, choices=Fuel.choices)
    list_price = models.DecimalField(_("list price excl. VAT"), **MONEY, null=True, blank=True)
    is_active = models.BooleanField(_("on sale"), default=True)

    tenancy = Tenancy(network="network")

    class Meta:
        verbose_name = _("catalogue model")
        verbose_name_plural = _("catalogue")
        ordering = ["make", "model", "trim"]
        constraints = [
            models.UniqueConstraint(fields=["network", "make", "model", "trim", "fuel"], name="vehicle_model_unique"),
            models.CheckConstraint(condition=Q(list_price__gte=0) | Q(list_price__isnull=True), name="vehicle_model_price_not_negative"),
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (self.make, self.model, self.trim) if part)


class StockVehicle(TimeStamped):
    """A vehicle a site has to sell: new, used or demo, where it stands in the showroom, its price."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        RESERVED = "reserved", _("Reserved")
        SOLD = "sold", _("Sold")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("network"))
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    vehicle_model = models.ForeignKey(
        VehicleModel, on_delete=models.PROTECT, null=True, blank=True, related_name="stock", verbose_name=_("catalogue model")
    )
    make = models.CharField(_("make"), max_length=60)
    model = models.CharField(_("model"), max_length=80)
    trim = models.CharField(_("trim"), max_length=80, blank=True)
    fuel = models.CharField(_("fuel"), max_length=10, choices=Fuel.choices)
    vin = models.CharField(_("VIN"), max_length=17, validators=[validate_vin])
    plate = models.CharField(_("plate"), max_length=10, blank=True, validators=[validate_plate])
    condition = models.CharField(_("condition"), max_length=5, choices=Condition.choices, default=Condition.NEW)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    km = models.PositiveIntegerField(_("km"), default=0)
    colour = models.CharField(_("colour"), max_length=60, blank=True)
    zone = models.CharField(_("showroom zone"), max_length=40, blank=True, help_text=_("e.g. electric, used, entrance"))
    price = models.DecimalField(_("price excl. VAT"), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.AVAILABLE)

    tenancy = Tenancy(network="network", site="site")

    class Meta:
        verbose_name = _("stock vehicle")
        verbose_name_plural = _("stock")
        ordering = ["make", "model", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["network", "vin"], name="stock_vin_unique_in_network"),
            models.CheckConstraint(condition=Q(price__gte=0), name="stock_price_not_negative"),
        ]
        indexes = [models.Index(fields=["site", "status", "make", "model"], name="stock_site_status")]

    def __str__(self) -> str:
        name = " ".join(part for part in (self.make, self.model, self.trim) if part)
        return f"{name} · {self.plate or self.vin}"


def _stock_photo_path(instance: "StockPhoto", filename: str) -> str:
    return f"stock/{instance.vehicle.network_id}/{instance.vehicle_id}/{timezone.now():%Y%m%d%H%M%S}-{filename[-60:]}"


class StockPhoto(models.Model):
    """A photo of a stock vehicle; the upload is checked to be a real image before it is kept."""

    vehicle = models.ForeignKey(StockVehicle, on_delete=models.CASCADE, related_name="photos", verbose_name=_("vehicle"))
    image = models.ImageField(_("photo"), upload_to=_stock_photo_path)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(network="vehicle__network", site="vehicle__site")

    class Meta:
        ordering = ["position", "pk"]


# --- Leads --------------------------------------------------------------------------------


class Lead(TimeStamped):
    """Someone who may buy a car: where they came from, where they stand, who follows them."""

    class Stage(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        APPOINTMENT = "appointment", _("Appointment")
        TEST_DRIVE = "test_drive", _("Test drive")
        QUOTE = "quote", _("Quote")
        ORDER = "order", _("Order")
        DELIVERED = "delivered", _("Delivered")
        LOST = "lost", _("Lost")

    class Source(models.TextChoices):
        FORM = "form", _("Enquiry form")
        STAFF = "staff", _("Entered by staff")
        ADF = "adf", _("ADF lead")
        API = "api", _("API")

    class Interest(models.TextChoices):
        BUY = "buy", _("Buy")
        LEASE = "lease", _("Lease")
        TEST_DRIVE = "test_drive", _("Test drive")
        TRADE_IN = "trade_in", _("Trade-in / sell")

    class LostReason(models.TextChoices):
        PRICE = "price", _("Price")
        COMPETITOR = "competitor", _("Bought elsewhere")
        NOT_INTERESTED = "not_interested", _("No longer interested")
        UNREACHABLE = "unreachable", _("Could not be reached")
        FINANCING = "financing", _("Financing refused")
        DUPLICATE = "duplicate", _("Duplicate enquiry")
        OTHER = "other", _("Other")

    # The board's columns, in order; an open lead is in one of them.
    OPEN_STAGES = (Stage.NEW, Stage.CONTACTED, Stage.APPOINTMENT, Stage.TEST_DRIVE, Stage.QUOTE, Stage.ORDER)

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("network"), db_index=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"), db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="leads", verbose_name=_("customer"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("consultant")
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.NEW)
    lost_reason = models.CharField(_("reason lost"), max_length=16, choices=LostReason.choices, blank=True)
    lost_note = models.CharField(_("note on the loss"), max_length=300, blank=True)

    # Where it came from: the attribution report groups by these.
    source = models.CharField(_("entered through"), max_length=6, choices=Source.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    campaign = models.CharField(_("campaign"), max_length=100, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_content = models.CharField(max_length=100, blank=True)
    utm_term = models.CharField(max_length=100, blank=True)
    provider = models.CharField(_("lead provider"), max_length=120, blank=True, help_text=_("The portal an ADF lead came from."))
    external_ref = models.CharField(_("sender's reference"), max_length=100, blank=True)
    adf_document = models.ForeignKey(AdfDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="leads", db_index=False)
    adf_prospect = models.PositiveIntegerField(null=True, blank=True)

    # What they want.
    interest = models.CharField(_("interest"), max_length=10, choices=Interest.choices, default=Interest.BUY)
    condition = models.CharField(_("new or used"), max_length=5, choices=Condition.choices, blank=True)
    vehicle_model = models.ForeignKey(
        VehicleModel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("model of interest")
    )
    stock_vehicle = models.ForeignKey(
        StockVehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("vehicle")
    )
    vehicle_text = models.CharField(_("vehicle of interest"), max_length=200, blank=True, help_text=_("As the customer or the sender wrote it."))
    vehicle_year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    vehicle_colour = models.CharField(_("colour"), max_length=100, blank=True)
    vehicle_price = models.DecimalField(_("price seen"), **MONEY, null=True, blank=True)
    vehicle_km = models.PositiveIntegerField(_("km"), null=True, blank=True)
    preferred_contact = models.CharField(_("preferred contact"), max_length=12, choices=Channel.choices, blank=True)
    message = models.TextField(_("message"), blank=True)

    # The first-response clock, counted in the site's opening hours.
    first_response_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    response_minutes = models.PositiveIntegerField(_("minutes to first response"), null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)
    # When it first reached each stage that the report counts.
    stage_changed_at = models.DateTimeField(default=timezone.now)
    test_drive_at = models.DateTimeField(null=True, blank=True)
    ordered_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # A public form's one-time token: posting the same form twice makes one lead.
    form_token = models.CharField(max_length=64, null=True, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)

    tenancy = Tenancy(network="network", site="site")

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["network", "form_token"], condition=Q(form_token__isnull=False), name="lead_form_token_once"),
            models.CheckConstraint(condition=~Q(stage="lost") | ~Q(lost_reason=""), name="lead_lost_has_reason"),
            models.CheckConstraint(condition=Q(vehicle_price__gte=0) | Q(vehicle_price__isnull=True), name="lead_price_not_negative"),
        ]
        indexes = [
            # The board's columns read their newest cards off it; the id orders leads of one import.
            models.Index(fields=["site", "stage", "-created_at", "-id"], name="lead_board"),
            models.Index(fields=["network", "created_at"], name="lead_network_period"),
            models.Index(fields=["stage", "first_response_at"], name="lead_waiting", condition=Q(first_response_at__isnull=True)),
            models.Index(fields=["ip_address", "created_at"], name="lead_form_ip", condition=Q(ip_address__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.vehicle_label or self.get_interest_display()}"

    @property
    def vehicle_label(self) -> str:
        if self.stock_vehicle_id:
            return str(self.stock_vehicle)
        if self.vehicle_model_id:
            return str(self.vehicle_model)
        return self.vehicle_text

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN_STAGES


class LeadStageChange(models.Model):
    """One move of a lead between stages: who moved it, when, from where to where."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Lead.Stage.choices)
    to_stage = models.CharField(max_length=12, choices=Lead.Stage.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    tenancy = Tenancy(network="lead__network", site="lead__site")

    class Meta:
        ordering = ["at", "pk"]


class Activity(models.Model):
    """A call, e-mail, note, meeting or task about a lead; a task has a due date and is ticked off."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS or WhatsApp")
        MEETING = "meeting", _("Meeting")
        NOTE = "note", _("Note")
        TASK = "task", _("Task")

    # Reaching out to the customer: the first of these stops the first-response clock.
    RESPONSES = (Kind.CALL, Kind.EMAIL, Kind.SMS, Kind.MEETING)

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="activities", verbose_name=_("lead"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    text = models.TextField(_("text"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    tenancy = Tenancy(network="lead__network", site="lead__site")

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(kind="task") | Q(due_at__isnull=False), name="activity_task_has_due_date")]


class TradeIn(TimeStamped):
    """The customer's used car offered in part exchange, and what the site appraised it at."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="trade_ins", verbose_name=_("lead"))
    make = models.CharField(_("make"), max_length=60)
    model = models.CharField(_("model"), max_length=80, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    km = models.PositiveIntegerField(_("km"), null=True, blank=True)
    fuel = models.CharField(_("fuel"), max_length=10, choices=Fuel.choices, blank=True)
    vin = models.CharField(_("VIN"), max_length=17, blank=True, validators=[validate_vin])
    plate = models.CharField(_("plate"), max_length=10, blank=True, validators=[validate_plate])
    notes = models.TextField(_("condition notes"), blank=True)
    appraised_value = models.DecimalField(_("appraised value"), **MONEY, null=True, blank=True)
    appraised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    appraised_at = models.DateTimeField(_("appraised at"), null=True, blank=True)

    tenancy = Tenancy(network="lead__network", site="lead__site")

    class Meta:
        verbose_name = _("trade-in")
        verbose_name_plural = _("trade-ins")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(appraised_value__gte=0) | Q(appraised_value__isnull=True), name="trade_in_value_not_negative")
        ]

    def __str__(self) -> str:
        name = " ".join(part for part in (self.make, self.model) if part)
        return f"{name} ({self.plate})" if self.plate else name


class Configuration(TimeStamped):
    """The finishes chosen with the customer in the fitting lounge: colour, interior, options, each priced."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="configurations", verbose_name=_("lead"))
    vehicle_model = models.ForeignKey(VehicleModel, on_delete=models.PROTECT, related_name="+", verbose_name=_("model"))
    base_price = models.DecimalField(_("base price excl. VAT"), **MONEY)
    colour = models.CharField(_("colour"), max_length=80, blank=True)
    colour_price = models.DecimalField(_("colour price"), **MONEY, default=0)
    interior = models.CharField(_("interior"), max_length=80, blank=True)
    interior_price = models.DecimalField(_("interior price"), **MONEY, default=0)

    tenancy = Tenancy(network="lead__network", site="lead__site")

    class Meta:
        verbose_name = _("configuration")
        verbose_name_plural = _("configurations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(base_price__gte=0, colour_price__gte=0, interior_price__gte=0), name="configuration_prices_not_negative"
            )
        ]

    def __str__(self) -> str:
        return " · ".join(part for part in (str(self.vehicle_model), self.colour, self.interior) if part)


class ConfigurationOption(models.Model):
    """One option of a configuration (a pack, a tow bar, a sunroof) with its price."""

    configuration = models.ForeignKey(Configuration, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(_("option"), max_length=120)
    price = models.DecimalField(_("price excl. VAT"), **MONEY)

    tenancy = Tenancy(network="configuration__lead__network", site="configuration__lead__site")

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="configuration_option_price_not_negative")]


# --- Quotes and orders --------------------------------------------------------------------


class Quote(TimeStamped):
    """An offer to the customer: its lines, VAT and road-registration costs, valid until a date."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("lead"))
    number = models.CharField(_("number"), max_length=40, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    valid_until = models.DateField(_("valid until"))
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=22)
    # Messa su strada: transport, preparation, registration and plates, shown apart from the car.
    road_costs = models.DecimalField(_("registration and delivery costs (messa su strada)"), **MONEY, default=0)
    notes = models.TextField(_("notes for the customer"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_to = models.EmailField(_("sent to"), blank=True)

    tenancy = Tenancy(network="lead__network", site="lead__site")

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(road_costs__gte=0), name="quote_road_costs_not_negative"),
            models.CheckConstraint(condition=Q(vat_rate__gte=0, vat_rate__lte=100), name="quote_vat_rate_range"),
        ]

    def __str__(self) -> str:
        return self.number


class QuoteLine(models.Model):
    """One line of a quote; discounts and the trade-in are subtracted by the totals, never negative here."""

    class Kind(models.TextChoices):
        VEHICLE = "vehicle", _("Vehicle")
        FINISH = "finish", _("Colour and interior")
        OPTION = "option", _("Option")
        ACCESSORY = "accessory", _("Accessory")
        SERVICE = "service", _("Service or warranty")
        DISCOUNT = "discount", _("Discount")
        TRADE_IN = "trade_in", _("Trade-in")

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount excl. VAT"), **MONEY)
    position = models.PositiveSmallIntegerField(default=0)

    tenancy = Tenancy(network="quote__lead__network", site="quote__lead__site")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="quote_line_amount_not_negative")]


class Order(TimeStamped):
    """The customer's signed order: which vehicle, on which quote, delivered when."""

    lead = models.OneToOneField(Lead, on_delete=models.CASCADE, related_name="order", verbose_name=_("lead"))
    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("quote"))
    stock_vehicle = models.ForeignKey(
        StockVehicle, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("vehicle")
    )
    expected_delivery = models.DateField(_("expected delivery"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    tenancy = Tenancy(network="lead__network", site="lead__site")

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
