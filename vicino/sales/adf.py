"""Reading ADF, the Auto-lead Data Format (XML, version 1.0) that lead portals send.

Pure functions, no database: `adf_read(data)` turns a document into its prospects and the
problems found, each naming the element. Real senders deviate from the standard, so the
reading is lenient where nothing is lost by it:

- element and attribute names in any case, with or without a namespace; the processing
  instruction `<?adf version="1.0"?>` in any case, or none; a `<prospect>` sent without the
  `<adf>` around it;
- a name given whole (`<name part="full">Mario Rossi</name>`) or in parts, a company as a
  business contact's name;
- optional parts missing anywhere: only a prospect without any way to reach the customer
  (no name with an e-mail or a phone) is refused;
- a document that is not well-formed past some point: the prospects that are whole are
  still read, and the broken one is named by its position and line.

Hostile XML is refused whole (defusedxml): entity expansion ("billion laughs"), external
entities and DTDs, which a lead portal has no reason to send.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from vicino.people.importfile import ImportFileError
from vicino.people.importrows import decimal_parse

KM_PER_MILE = Decimal("1.609344")
INTERESTS = {"buy", "lease", "sell", "trade-in", "test-drive"}
_PROSPECT_RE = re.compile(rb"<\s*(?:\w+:)?prospect\b.*?<\s*/\s*(?:\w+:)?prospect\s*>", re.IGNORECASE | re.DOTALL)


class AdfError(ImportFileError):
    """A document that cannot be read at all, with a stable code and a message for the sender."""


@dataclass(frozen=True)
class AdfProblem:
    """What is wrong with one prospect (1-based, in document order) or one of its elements."""

    prospect: int
    element: str  # e.g. "customer/contact/email", "" for the whole prospect
    message: str


@dataclass
class AdfContact:
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    preferred: str = ""  # "email" or "phone" when the sender marked one preferredcontact
    street: str = ""
    city: str = ""
    region: str = ""  # regioncode: an Italian province code when the sender is Italian
    postal_code: str = ""
    country: str = ""


@dataclass
class AdfVehicle:
    interest: str = "buy"  # buy, lease, sell, trade-in, test-drive
    status: str = ""  # new, used
    year: int | None = None
    make: str = ""
    model: str = ""
    trim: str = ""
    vin: str = ""
    stock: str = ""
    exterior_color: str = ""
    interior_color: str = ""
    price: Decimal | None = None
    currency: str = ""
    odometer_km: int | None = None
    comments: str = ""


@dataclass
class AdfParty:
    """The vendor (the dealer the lead is for) or the provider (the portal that sent it)."""

    id: str = ""
    name: str = ""
    service: str = ""
    url: str = ""
    email: str = ""


@dataclass
class AdfProspect:
    number: int  # 1-based position in the document (the lead keeps the whole document, as sent)
    source_id: str = ""  # the sender's own id of the prospect
    requested_at: datetime.datetime | None = None
    customer: AdfContact = field(default_factory=AdfContact)
    comments: str = ""
    vehicles: list[AdfVehicle] = field(default_factory=list)
    vendor: AdfParty = field(default_factory=AdfParty)
    provider: AdfParty = field(default_factory=AdfParty)

    @property
    def vehicle_of_interest(self) -> AdfVehicle | None:
        return next((v for v in self.vehicles if v.interest != "trade-in"), None)

    @property
    def trade_ins(self) -> list[AdfVehicle]:
        return [v for v in self.vehicles if v.interest == "trade-in"]


@dataclass
class AdfDocument:
    prospects: list[AdfProspect]
    problems: list[AdfProblem]


def adf_read(data: bytes) -> AdfDocument:
    """The whole prospects of an ADF document and the problems of the others; AdfError when there are none to read."""
    if not data.strip():
        raise AdfError("empty", _("The ADF document is empty."))
    try:
        root = _normalised(fromstring(data))
    except DefusedXmlException as error:
        raise _forbidden(error) from None
    except ParseError as error:
        return _salvaged(data, error)
    if _name(root) == "prospect":
        elements = [root]
    elif _name(root) == "adf":
        elements = [child for child in root if _name(child) == "prospect"]
    else:
        raise AdfError("not_adf", _("The document's root element is <%(name)s>, not <adf>.") % {"name": _name(root)})
    if not elements:
        raise AdfError("no_prospect", _("The ADF document holds no <prospect>."))
    return _prospects_read(elements)


def _forbidden(error: DefusedXmlException) -> AdfError:
    return AdfError("forbidden_xml", _("The document uses XML features a lead does not need, and is refused: %(feature)s.") % {"feature": type(error).__name__})


def _salvaged(data: bytes, error: ParseError) -> AdfDocument:
    """A document broken past some point: read each prospect on its own, name those that do not parse."""
    line = error.position[0] if error.position else 0
    chunks = list(_PROSPECT_RE.finditer(data))
    if not chunks:
        raise AdfError("malformed", _("The document is not well-formed XML (line %(line)d): %(error)s.") % {"line": line, "error": error})
    elements, problems = [], []
    for number, chunk in enumerate(chunks, start=1):
        try:
            elements.append((number, _normalised(fromstring(chunk.group(0)))))
        except DefusedXmlException as forbidden:
            raise _forbidden(forbidden) from None
        except ParseError as broken:
            at = data.count(b"\n", 0, chunk.start()) + (broken.position[0] if broken.position else 1)
            problems.append(AdfProblem(number, "", _("The prospect is not well-formed XML (line %(line)d).") % {"line": at}))
    document = _prospects_read([element for _n, element in elements], numbers=[n for n, _e in elements])
    document.problems[:0] = problems
    return document


def _prospects_read(elements: list[Element], numbers: list[int] | None = None) -> AdfDocument:
    prospects, problems = [], []
    for number, element in zip(numbers or range(1, len(elements) + 1), elements, strict=True):
        prospect, found = _prospect(number, element)
        problems += found
        if prospect is not None:
            prospects.append(prospect)
    return AdfDocument(prospects, problems)


def _prospect(number: int, element: Element) -> tuple[AdfProspect | None, list[AdfProblem]]:
    problems: list[AdfProblem] = []

    def problem(path: str, message: str) -> None:
        problems.append(AdfProblem(number, path, message))

    prospect = AdfProspect(number=number)
    prospect.source_id = _text(_child(element, "id"))
    if requested := _text(_child(element, "requestdate")):
        prospect.requested_at = _datetime(requested)
        if prospect.requested_at is None:
            problem("requestdate", _("“%(value)s” is not a date and time (ISO 8601, e.g. 2026-03-30T15:30:20+01:00).") % {"value": requested})
    customer = _child(element, "customer")
    if customer is None:
        problem("customer", _("The prospect has no <customer>."))
        return None, problems
    contact = _child(customer, "contact")
    if contact is None:
        problem("customer/contact", _("The customer has no <contact>."))
        return None, problems
    prospect.customer = _contact(contact)
    prospect.comments = _text(_child(customer, "comments"))
    who = prospect.customer
    if not (who.first_name or who.last_name or who.company_name):
        problem("customer/contact/name", _("The customer's contact has no <name>."))
        return None, problems
    if not (who.emails or who.phones):
        problem("customer/contact", _("The customer's contact has neither an <email> nor a <phone>."))
        return None, problems
    for index, vehicle in enumerate(_children(element, "vehicle"), start=1):
        prospect.vehicles.append(_vehicle(vehicle, lambda path, message, i=index: problem(f"vehicle[{i}]/{path}", message)))
    prospect.vendor = _party(_child(element, "vendor"), "vendorname")
    prospect.provider = _party(_child(element, "provider"), "name")
    return prospect, problems


def _contact(contact: Element) -> AdfContact:
    result = AdfContact()
    for name in _children(contact, "name"):
        part, kind, text = _attribute(name, "part").lower(), _attribute(name, "type").lower(), _text(name)
        if kind == "business" and part in ("", "full"):
            result.company_name = text
        elif part == "first":
            result.first_name = text
        elif part == "last":
            result.last_name = text
        elif part in ("full", "") and text:
            # "Mario Rossi": the last word is the surname; "Rossi, Mario" says so itself.
            if "," in text:
                last, first = (piece.strip() for piece in text.split(",", 1))
            else:
                first, _space, last = text.rpartition(" ")
            result.first_name = result.first_name or first
            result.last_name = result.last_name or last
    for email in _children(contact, "email"):
        if text := _text(email):
            result.emails.append(text)
            if _attribute(email, "preferredcontact") == "1":
                result.preferred = "email"
    for phone in _children(contact, "phone"):
        if (text := _text(phone)) and _attribute(phone, "type").lower() != "fax":
            result.phones.append(text)
            if _attribute(phone, "preferredcontact") == "1":
                result.preferred = "phone"
    address = _child(contact, "address")
    if address is not None:
        result.street = " ".join(_text(line) for line in _children(address, "street") if _text(line))
        result.city = _text(_child(address, "city"))
        result.region = _text(_child(address, "regioncode"))
        result.postal_code = _text(_child(address, "postalcode"))
        result.country = _text(_child(address, "country"))
    return result


def _vehicle(element: Element, problem) -> AdfVehicle:
    vehicle = AdfVehicle()
    interest = _attribute(element, "interest").lower()
    if interest in INTERESTS:
        vehicle.interest = interest
    elif interest:
        problem("@interest", _("“%(value)s” is not an interest ADF knows (buy, lease, sell, trade-in, test-drive): read as buy.") % {"value": interest})
    vehicle.status = _attribute(element, "status").lower() if _attribute(element, "status").lower() in ("new", "used") else ""
    if year := _text(_child(element, "year")):
        if year.isdigit() and 1900 <= int(year) <= 2100:
            vehicle.year = int(year)
        else:
            problem("year", _("“%(value)s” is not a year.") % {"value": year})
    for name in ("make", "model", "trim", "vin", "stock", "comments"):
        setattr(vehicle, name, _text(_child(element, name)))
    colours = _child(element, "colorcombination")
    if colours is not None:
        vehicle.exterior_color = _text(_child(colours, "exteriorcolor"))
        vehicle.interior_color = _text(_child(colours, "interiorcolor"))
    price = _child(element, "price")
    if price is not None and _text(price):
        try:
            vehicle.price = decimal_parse(_text(price))
        except ValueError:
            problem("price", _("“%(value)s” is not an amount.") % {"value": _text(price)})
        vehicle.currency = _attribute(price, "currency").upper()
    odometer = _child(element, "odometer")
    if odometer is not None and _text(odometer):
        reading = _text(odometer).replace(".", "").replace(",", "").replace(" ", "")
        if reading.isdigit():
            miles = _attribute(odometer, "units").lower() in ("mi", "miles")
            vehicle.odometer_km = int((Decimal(reading) * KM_PER_MILE).to_integral_value()) if miles else int(reading)
        else:
            problem("odometer", _("“%(value)s” is not a distance.") % {"value": _text(odometer)})
    return vehicle


def _party(element: Element | None, name_tag: str) -> AdfParty:
    if element is None:
        return AdfParty()
    name = _child(element, name_tag) if _child(element, name_tag) is not None else _child(element, "name")
    contact = _child(element, "contact")
    email = _child(element, "email") if _child(element, "email") is not None else (_child(contact, "email") if contact is not None else None)
    return AdfParty(
        id=_text(_child(element, "id")), name=_text(name), service=_text(_child(element, "service")),
        url=_text(_child(element, "url")), email=_text(email),
    )  # fmt: skip


def _normalised(root: Element) -> Element:
    """The tree with every element and attribute name in lower case and without its namespace,
    once, so that each lookup after is a plain `find`."""
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = element.tag.rsplit("}", 1)[-1].split(":")[-1].lower()
        if element.attrib:
            element.attrib = {key.rsplit("}", 1)[-1].lower(): value for key, value in element.attrib.items()}
    return root


def _name(element: Element) -> str:
    return element.tag if isinstance(element.tag, str) else ""


def _children(element: Element, name: str) -> list[Element]:
    return element.findall(name)


def _child(element: Element | None, name: str) -> Element | None:
    return element.find(name) if element is not None else None


def _text(element: Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _attribute(element: Element, name: str) -> str:
    return element.get(name, "").strip()


def _datetime(text: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
