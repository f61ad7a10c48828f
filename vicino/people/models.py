"""Customers and members, their contact points, their consents (a ledger) and their timeline."""

import datetime
import json
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vicino.core.italy import PROVINCE_CHOICES, validate_cap, validate_fiscal_code, validate_vat_number
from vicino.core.models import Network, Site, Tenancy, TimeStamped


class Channel(models.TextChoices):
    """How a person was reached or reached us; shared by consents, the timeline and (later) leads."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone")
    POST = "post", _("Post")
    WHATSAPP = "whatsapp", _("WhatsApp")
    WEB = "web", _("Website")
    SOCIAL = "social", _("Social networks")
    SHOWROOM = "showroom", _("Showroom")
    WORKSHOP = "workshop", _("Workshop")
    EVENT = "event", _("Event")
    PORTAL = "portal", _("Customer portal")
    OTHER = "other", _("Other")


# The channels a consent can be given for (Garante: consent is per means of contact).
CONSENT_CHANNELS = [Channel.EMAIL, Channel.SMS, Channel.PHONE, Channel.POST, Channel.WHATSAPP]


class Tag(models.Model):
    """A label a network puts on customers (VIP, fleet, electric…)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("network"))
    name = models.CharField(_("name"), max_length=50)

    tenancy = Tenancy(network="network")

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["network", "name"], name="tag_unique_in_network")]

    def __str__(self) -> str:
        return self.name


class Customer(TimeStamped):
    """A person or company the network serves: buyer, owner, prospect, member (socio) or enthusiast."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    class Relation(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        CUSTOMER = "customer", _("Customer")
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")
        ENTHUSIAST = "enthusiast", _("Enthusiast")

    # The composite indexes below all start with the network: no index of its own.
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="customers", verbose_name=_("network"), db_index=False
    )
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="customers", verbose_name=_("followed by")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    relation = models.CharField(_("relation"), max_length=12, choices=Relation.choices, default=Relation.PROSPECT)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, blank=True, validators=[validate_fiscal_code])
    vat_number = models.CharField(_("partita IVA"), max_length=13, blank=True, validators=[validate_vat_number])
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="it")
    preferred_channel = models.CharField(_("preferred channel"), max_length=12, choices=Channel.choices, blank=True)
    member_number = models.CharField(_("member number"), max_length=30, blank=True)
    member_card = models.CharField(_("member card"), max_length=30, blank=True)
    external_id = models.CharField(_("external code"), max_length=60, blank=True, help_text=_("The code in another system, used to match imports."))
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers", verbose_name=_("tags"))
    # Folded names, member number and codes: what the search box matches.
    search_text = models.TextField(editable=False, default="")
    # Folded "first last" (or company name): customers with the same key are duplicate candidates.
    name_key = models.CharField(max_length=200, editable=False, default="")
    # Almost always empty: an index would cost every insert and help no query.
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False, db_index=False
    )
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)

    tenancy = Tenancy(network="network", site="site", shared_without_site=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["last_name", "first_name", "company_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "member_number"], condition=~Q(member_number=""), name="customer_member_number_unique"
            ),
            models.UniqueConstraint(
                fields=["network", "external_id"], condition=~Q(external_id=""), name="customer_external_id_unique"
            ),
            models.CheckConstraint(
                condition=~Q(first_name="", last_name="", company_name="") | Q(erased_at__isnull=False),
                name="customer_has_a_name",
            ),
        ]
        indexes = [
            # The list's whole order, so a page is read straight off the index: companies share
            # an empty last name, and sorting them all for each page cost 110 ms at a million.
            models.Index(fields=["network", "last_name", "first_name", "company_name"], name="customer_network_name_order"),
            models.Index(fields=["network", "fiscal_code"], name="customer_network_fiscal_code"),
            models.Index(fields=["network", "name_key"], name="customer_network_name_key"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def contacts(self) -> list["ContactPoint"] | list["ContactSeen"]:
        """The contact points, e-mails first, primary first: read with the customer when the
        list brought them along (`queries.customer_list`), from the database otherwise."""
        listed = self.__dict__.get("contacts_listed", NOT_LISTED)
        if listed is NOT_LISTED:
            return list(self.contact_points.all())
        return contacts_seen(listed)

    @property
    def display_name(self) -> str:
        if self.erased_at:
            return str(_("Erased customer"))
        person = " ".join(part for part in (self.first_name, self.last_name) if part)
        if self.kind == self.Kind.COMPANY:
            return self.company_name or person
        return person or self.company_name


class NameWord(models.Model):
    """A folded name word of the network with one of its one-letter deletions: the typo dictionary."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", db_index=False)
    word = models.CharField(max_length=100)
    variant = models.CharField(max_length=100)

    tenancy = Tenancy(network="network")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["network", "variant", "word"], name="name_word_unique")]


class ContactPoint(models.Model):
    """One e-mail address or phone number of a customer, stored normalised (lower-case, E.164)."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")

    # Tables that grow by millions carry only the indexes their queries use: the composite
    # ones in Meta cover network and customer; actor, notice and site are never searched by.
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contact_points", verbose_name=_("customer"), db_index=False)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=254)
    label = models.CharField(_("label"), max_length=30, blank=True, help_text=_("e.g. home, work, mobile"))
    is_primary = models.BooleanField(_("primary"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    tenancy = Tenancy(network="network", site="customer__site", shared_without_site=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["kind", "-is_primary", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind", "value"], name="contact_point_unique_per_customer"),
        ]
        # Finding a customer by phone or e-mail, and duplicates, is an index lookup.
        indexes = [models.Index(fields=["network", "kind", "value"], name="contact_point_lookup")]

    def __str__(self) -> str:
        return self.value


NOT_LISTED = object()


class ContactSeen(NamedTuple):
    """A contact point as a list shows it, read in the same query as its customer.

    Django's prefetch of fifty customers' contact points, a query and a model instance
    each, cost a search page as much as finding the customers; these come as one JSON
    column per customer (`queries.customer_list`).
    """

    id: int
    kind: str
    value: str
    label: str
    is_primary: bool
    created_at: datetime.datetime

    @property
    def pk(self) -> int:
        return self.id


def contacts_seen(listed: str | None) -> list[ContactSeen]:
    """The JSON rows (id, kind, value, label, primary, created) of a customer's contact points, in their order."""
    points = []
    for pk, kind, value, label, primary, created in json.loads(listed) if listed else ():
        created_at = datetime.datetime.fromisoformat(created)
        if created_at.tzinfo is None:  # SQLite keeps UTC without saying so
            created_at = created_at.replace(tzinfo=datetime.UTC)
        points.append(ContactSeen(pk, kind, value, label, bool(primary), created_at))
    points.sort(key=lambda point: (point.kind, not point.is_primary, point.id))
    return points


class Address(models.Model):
    """A postal address of a customer."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("customer"))
    label = models.CharField(_("label"), max_length=30, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    cap = models.CharField(_("CAP"), max_length=5, blank=True, validators=[validate_cap])
    city = models.CharField(_("city"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=2, choices=PROVINCE_CHOICES, blank=True)
    country = models.CharField(_("country"), max_length=2, default="IT")
    is_primary = models.BooleanField(_("primary"), default=True)

    tenancy = Tenancy(network="customer__network", site="customer__site", shared_without_site=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_primary", "pk"]

    def __str__(self) -> str:
        place = f"{self.cap} {self.city}".strip()
        if self.province:
            place += f" ({self.province})"
        return ", ".join(part for part in (self.street, place) if part)


class CustomerLink(models.Model):
    """Two customers who belong together: a household, or a company and its contact person."""

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("Same household")
        COMPANY_CONTACT = "company_contact", _("Company contact")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    from_customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="links_from")
    to_customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="links_to")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    tenancy = Tenancy(network="network")

    class Meta:
        verbose_name = _("link between customers")
        verbose_name_plural = _("links between customers")
        constraints = [
            models.UniqueConstraint(fields=["from_customer", "to_customer", "kind"], name="customer_link_unique"),
            models.CheckConstraint(condition=~Q(from_customer=models.F("to_customer")), name="customer_link_not_self"),
        ]


class PrivacyNotice(models.Model):
    """One version of a network's privacy notice (informativa): the text a consent was given on."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="privacy_notices", verbose_name=_("network"))
    version = models.CharField(_("version"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    tenancy = Tenancy(network="network")

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-published_at"]
        constraints = [models.UniqueConstraint(fields=["network", "version"], name="privacy_notice_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Purpose(models.TextChoices):
    SERVICE = "service", _("Service communications")
    MARKETING = "marketing", _("Marketing")
    PROFILING = "profiling", _("Profiling")
    THIRD_PARTIES = "third_parties", _("Sharing with third parties")


class ConsentEvent(models.Model):
    """One entry of the consent ledger: append-only; the current state is derived from the latest."""

    class Action(models.TextChoices):
        GRANTED = "granted", _("Granted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    class Source(models.TextChoices):
        WEB_FORM = "web_form", _("Web form")
        EVENT = "event", _("Event")
        PAPER = "paper", _("Paper form")
        API = "api", _("API")
        IMPORT = "import", _("Import")
        PORTAL = "portal", _("Customer portal")
        STAFF = "staff", _("Staff")
        RETENTION = "retention", _("Retention rule")

    # Sources where the person acted online, so IP, user agent and double opt-in apply.
    ONLINE_SOURCES = frozenset({Source.WEB_FORM, Source.PORTAL})

    # Tables that grow by millions carry only the indexes their queries use: the composite
    # ones in Meta cover network and customer; actor, notice and site are never searched by.
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consent_events", verbose_name=_("customer"), db_index=False)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    notice = models.ForeignKey(
        PrivacyNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("privacy notice"),
        db_index=False,
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by"),
        db_index=False,
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    double_opt_in_at = models.DateTimeField(_("double opt-in confirmed at"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True, help_text=_("e.g. the scanned form's reference"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    tenancy = Tenancy(network="network", site="customer__site", shared_without_site=True)

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent ledger")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["customer", "purpose", "channel", "-occurred_at"], name="consent_latest")]
        constraints = [
            # A grant must say which notice the person saw; expiry and withdrawal need not.
            models.CheckConstraint(condition=~Q(action="granted") | Q(notice__isnull=False), name="consent_grant_has_notice"),
            models.CheckConstraint(condition=Q(channel__in=[c.value for c in CONSENT_CHANNELS]), name="consent_channel_contactable"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.get_channel_display()}: {self.get_action_display()}"


class RetentionPolicy(models.Model):
    """How long a consent lasts in a network before it expires, and why that long."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    months = models.PositiveSmallIntegerField(_("months"))
    justification = models.TextField(_("justification"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    tenancy = Tenancy(network="network")

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.UniqueConstraint(fields=["network", "purpose"], name="retention_unique_purpose"),
            models.CheckConstraint(condition=Q(months__gte=1), name="retention_at_least_a_month"),
        ]


class Interaction(models.Model):
    """One thing that happened with a customer, on the customer's timeline."""

    # Tables that grow by millions carry only the indexes their queries use: the composite
    # ones in Meta cover network and customer; actor, notice and site are never searched by.
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", db_index=False)
    site = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("site"), db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="interactions", verbose_name=_("customer"), db_index=False)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=40)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by"), db_index=False)
    summary = models.CharField(_("summary"), max_length=500)
    ref_type = models.CharField(max_length=60, blank=True)
    ref_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    tenancy = Tenancy(network="network", site="customer__site", shared_without_site=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("timeline")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["customer", "-occurred_at", "-id"], name="interaction_timeline")]

    def __str__(self) -> str:
        return self.summary

    @property
    def kind_label(self) -> str:
        from .timeline import kind_label

        return kind_label(self.kind)


def _import_upload_path(instance: "CustomerImport", filename: str) -> str:
    return f"imports/{instance.network_id}/{timezone.now():%Y%m}/{instance.sha256[:16]}-{filename[-80:]}"


class CustomerImport(models.Model):
    """One file of customers being imported: its mapping, the check's report and the progress."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("site for new customers")
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    file = models.FileField(upload_to=_import_upload_path)
    filename = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    notice = models.ForeignKey(
        PrivacyNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("privacy notice of the consents")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    # The first problems found by the check, each {"row", "field", "message"}.
    errors = models.JSONField(default=list)
    # Rows handled by committed batches: a restarted import goes on from here.
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    tenancy = Tenancy(network="network", site="site", shared_without_site=True)

    class Meta:
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def progress_percent(self) -> int:
        return int(100 * self.rows_done / self.total_rows) if self.total_rows else 0


class PrivacyRequest(models.Model):
    """A data-protection request (GDPR arts. 15–21) and its legal deadline: one month from receipt."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access to the data")
        PORTABILITY = "portability", _("Data portability")
        RECTIFICATION = "rectification", _("Rectification")
        ERASURE = "erasure", _("Erasure")
        OBJECTION = "objection", _("Objection to processing")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Fulfilled")
        REFUSED = "refused", _("Refused")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="privacy_requests", verbose_name=_("customer"))
    kind = models.CharField(_("request"), max_length=15, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    channel = models.CharField(_("received by"), max_length=12, choices=Channel.choices, default=Channel.EMAIL)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_at = models.DateTimeField(_("due by"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    notes = models.TextField(_("notes"), blank=True)

    tenancy = Tenancy(network="network", site="customer__site", shared_without_site=True)

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["status", "due_at"]
        indexes = [models.Index(fields=["network", "status", "due_at"], name="privacy_request_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.customer}"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_at < timezone.now()
