"""The workshop: customers' vehicles, repair orders and their work, what the owner is shown and
asked to approve, and the courtesy cars lent meanwhile."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vicino.bookings.models import Booking, Resource
from vicino.core.models import Network, Site, Tenancy, TimeStamped
from vicino.people.models import Customer
from vicino.sales.models import Fuel, VehicleModel, validate_not_negative, validate_vin

VAT_RATE = Decimal("22.00")
MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [validate_not_negative]}
_PLATE_CHARACTERS = re.compile(r"[^A-Z0-9]")


def plate_clean(value: str) -> str:
    """A plate as it is compared: capitals and digits only ("ab 123 cd", "AB-123-CD" → "AB123CD").

    Not only the 1994 Italian format: the workshop also sees older plates, foreign cars and trade plates.
    """
    return _PLATE_CHARACTERS.sub("", value.upper())


class Vehicle(TimeStamped):
    """A customer's car, known to the whole network: any of its workshops may service it."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("network"))
    plate = models.CharField(_("plate"), max_length=10, blank=True)
    vin = models.CharField(_("VIN"), max_length=17, blank=True, validators=[validate_vin])
    make = models.CharField(_("make"), max_length=60)
    model = models.CharField(_("model"), max_length=80, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, validators=[MaxValueValidator(2100)])
    km = models.PositiveIntegerField(_("km"), default=0)
    fuel = models.CharField(_("fuel"), max_length=12, choices=Fuel.choices, blank=True)
    vehicle_model = models.ForeignKey(VehicleModel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("catalogue model"))
    owners = models.ManyToManyField(Customer, related_name="vehicles", blank=True, verbose_name=_("owners"))

    tenancy = Tenancy(network="network")

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        constraints = [
            models.UniqueConstraint(fields=["network", "plate"], condition=~Q(plate=""), name="vehicle_plate_per_network"),
            models.UniqueConstraint(fields=["network", "vin"], condition=~Q(vin=""), name="vehicle_vin_per_network"),
            models.CheckConstraint(condition=~Q(plate="", vin=""), name="vehicle_plate_or_vin"),
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (self.make, self.model, self.plate or self.vin) if part)


class RepairOrder(TimeStamped):
    """A job on a vehicle (ordine di lavoro): what the owner asked, the work found and done, where it stands."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        DIAGNOSIS = "diagnosis", _("Diagnosis")
        WAITING_APPROVAL = "waiting_approval", _("Waiting for approval")
        WAITING_PARTS = "waiting_parts", _("Waiting for parts")
        IN_PROGRESS = "in_progress", _("In progress")
        QUALITY_CHECK = "quality_check", _("Quality check")
        READY = "ready", _("Ready")
        DELIVERED = "delivered", _("Delivered")

    class Source(models.TextChoices):
        BOOKING = "booking", _("Service booking")
        COUNTER = "counter", _("At the counter")
        EMERGENCY = "emergency", _("Emergency request")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("network"))
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    number = models.CharField(_("number"), max_length=30)
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="orders", verbose_name=_("vehicle"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer"))
    booking = models.OneToOneField(Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("booking"))
    source = models.CharField(_("opened from"), max_length=12, choices=Source.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    is_urgent = models.BooleanField(_("urgent"), default=False)
    complaint = models.TextField(_("what the customer reports"), blank=True)
    location = models.CharField(_("where the car is"), max_length=300, blank=True)
    contact_phone = models.CharField(_("phone to call"), max_length=20, blank=True)
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("service advisor")
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("technician")
    )
    bay = models.ForeignKey(Resource, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("bay"))
    km_in = models.PositiveIntegerField(_("km at arrival"), null=True, blank=True)
    promised_at = models.DateTimeField(_("promised for"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    tenancy = Tenancy(network="network", site="site")

    class Meta:
        verbose_name = _("repair order")
        verbose_name_plural = _("repair orders")
        constraints = [models.UniqueConstraint(fields=["network", "number"], name="repair_order_number_per_network")]
        indexes = [
            # The board: a site's open orders by status; the portal: a customer's open orders.
            models.Index(fields=["site", "status"], name="repair_order_board", condition=~Q(status="delivered")),
            models.Index(fields=["customer", "status"], name="repair_order_customer"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.DELIVERED


class OrderEvent(models.Model):
    """One step of an order's status, for the timeline the owner follows."""

    order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="events", verbose_name=_("repair order"))
    status = models.CharField(_("status"), max_length=20, choices=RepairOrder.Status.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by"))

    tenancy = Tenancy(network="order__network", site="order__site")

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]


class WorkLine(models.Model):
    """Labour or a part on an order, priced before VAT."""

    class Kind(models.TextChoices):
        LABOUR = "labour", _("Labour")
        PART = "part", _("Part")

    order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("repair order"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2, default=Decimal(1), validators=[validate_not_negative])
    unit_price = models.DecimalField(_("unit price excl. VAT"), **MONEY)
    vat_rate = models.DecimalField(_("VAT %"), max_digits=4, decimal_places=2, default=VAT_RATE)
    finding = models.OneToOneField("Finding", on_delete=models.SET_NULL, null=True, blank=True, related_name="line", verbose_name=_("finding"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    tenancy = Tenancy(network="order__network", site="order__site")

    class Meta:
        verbose_name = _("line of work")
        verbose_name_plural = _("lines of work")
        ordering = ["order", "position", "pk"]


class OrderUpdate(models.Model):
    """A note, photo or short video from the workshop; the owner sees it only when it is marked visible."""

    class Media(models.TextChoices):
        NONE = "", _("Note")
        IMAGE = "image", _("Photo")
        VIDEO = "video", _("Video")

    order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="updates", verbose_name=_("repair order"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by"))
    text = models.TextField(_("text"), blank=True)
    is_visible = models.BooleanField(_("visible to the customer"), default=False)
    media = models.FileField(_("file"), upload_to="workshop/%Y/%m/", blank=True)
    media_kind = models.CharField(_("kind"), max_length=5, choices=Media.choices, blank=True)
    media_type = models.CharField(_("content type"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"))

    tenancy = Tenancy(network="order__network", site="order__site")

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["order", "is_visible", "created_at"], name="order_update_visible")]


class Finding(models.Model):
    """Extra work found on the car, graded and priced, for the owner to approve or decline."""

    class Grade(models.TextChoices):
        RED = "red", _("Needed now")
        AMBER = "amber", _("Soon")
        GREEN = "green", _("Fine for now")

    class Answer(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for the customer")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    class Via(models.TextChoices):
        PORTAL = "portal", _("Customer portal")
        PHONE = "phone", _("Phone")
        COUNTER = "counter", _("At the counter")

    order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="findings", verbose_name=_("repair order"))
    update = models.OneToOneField(OrderUpdate, on_delete=models.SET_NULL, null=True, blank=True, related_name="finding", verbose_name=_("update"))
    title = models.CharField(_("what"), max_length=200)
    grade = models.CharField(_("grade"), max_length=5, choices=Grade.choices)
    price = models.DecimalField(_("price excl. VAT"), **MONEY)
    vat_rate = models.DecimalField(_("VAT %"), max_digits=4, decimal_places=2, default=VAT_RATE)
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, default=Answer.PROPOSED)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_via = models.CharField(_("answered by"), max_length=10, choices=Via.choices, blank=True)
    answered_ip = models.GenericIPAddressField(_("from IP address"), null=True, blank=True)
    answered_user_agent = models.CharField(_("from browser"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"))

    tenancy = Tenancy(network="order__network", site="order__site")

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answer="proposed", answered_at__isnull=True) | (~Q(answer="proposed") & Q(answered_at__isnull=False)),
                name="finding_answered_when",
            )
        ]

    @property
    def price_with_vat(self) -> Decimal:
        return (self.price * (1 + self.vat_rate / 100)).quantize(Decimal("0.01"))


class CourtesyVehicle(TimeStamped):
    """A car the site lends while the customer's is in the workshop."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("network"))
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=120)
    plate = models.CharField(_("plate"), max_length=10)
    fuel = models.CharField(_("fuel"), max_length=12, choices=Fuel.choices, blank=True)
    is_active = models.BooleanField(_("available for loans"), default=True)

    tenancy = Tenancy(network="network", site="site")

    class Meta:
        verbose_name = _("courtesy vehicle")
        verbose_name_plural = _("courtesy vehicles")
        ordering = ["site", "name"]

    def __str__(self) -> str:
        return f"{self.name} · {self.plate}"


class Loan(models.Model):
    """A courtesy car lent and given back: km, fuel or charge, damage, each way."""

    courtesy_vehicle = models.ForeignKey(CourtesyVehicle, on_delete=models.PROTECT, related_name="loans", verbose_name=_("courtesy vehicle"))
    order = models.ForeignKey(RepairOrder, on_delete=models.SET_NULL, null=True, blank=True, related_name="loans", verbose_name=_("repair order"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer"))
    out_at = models.DateTimeField(_("lent at"))
    out_km = models.PositiveIntegerField(_("km when lent"))
    out_level = models.PositiveSmallIntegerField(_("fuel or charge when lent (%)"), validators=[MaxValueValidator(100)])
    out_damage = models.TextField(_("damage when lent"), blank=True)
    back_at = models.DateTimeField(_("given back at"), null=True, blank=True)
    back_km = models.PositiveIntegerField(_("km when given back"), null=True, blank=True)
    back_level = models.PositiveSmallIntegerField(_("fuel or charge when given back (%)"), null=True, blank=True, validators=[MaxValueValidator(100)])
    back_damage = models.TextField(_("damage when given back"), blank=True)
    lent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("lent by"))

    tenancy = Tenancy(network="courtesy_vehicle__network", site="courtesy_vehicle__site")

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-out_at"]
        constraints = [
            models.UniqueConstraint(fields=["courtesy_vehicle"], condition=Q(back_at__isnull=True), name="loan_one_open_per_vehicle"),
            models.CheckConstraint(condition=Q(out_level__lte=100) & (Q(back_level__isnull=True) | Q(back_level__lte=100)), name="loan_level_percent"),
        ]


class LoanPhoto(models.Model):
    """A photo of a courtesy car's condition, when lent or when given back."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="photos", verbose_name=_("loan"))
    is_return = models.BooleanField(_("when given back"), default=False)
    image = models.FileField(_("photo"), upload_to="workshop/loans/%Y/%m/")

    tenancy = Tenancy(network="loan__courtesy_vehicle__network", site="loan__courtesy_vehicle__site")


class OnCall(models.Model):
    """Who answers a site's emergency requests in a period (the on-call advisor)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("advisor"))
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))

    tenancy = Tenancy(network="site__network", site="site")

    class Meta:
        verbose_name = _("on-call shift")
        verbose_name_plural = _("on-call shifts")
        constraints = [models.CheckConstraint(condition=Q(starts_at__lt=models.F("ends_at")), name="on_call_order")]
