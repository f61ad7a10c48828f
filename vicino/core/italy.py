"""Italian administrative data: provinces and postal codes (CAP)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The 107 two-letter codes (sigle) in ISTAT's 2024 list, which are also the
# ones used on vehicle plates and in postal addresses. Units that are not
# formally provinces (metropolitan cities, Sicily's free consortia, Friuli's
# regional decentralisation bodies, Aosta Valley, the autonomous provinces of
# Bolzano and Trento) are included because each still has a sigla.
#
# Sardinia was reorganised again in 2025 (metropolitan city of Sassari, and
# Gallura Nord-Est, Ogliastra, Medio Campidano and Sulcis Iglesiente provinces
# carved out of SS and SU). No new sigle had been assigned as far as we know,
# so the 2024 codes (SS, NU, CA, OR, SU) are kept; the pre-2016 codes CI, VS,
# OG and OT are deliberately absent.
#
# Sorted by name.
PROVINCES: tuple[tuple[str, str], ...] = (
    ("AG", "Agrigento"),
    ("AL", "Alessandria"),
    ("AN", "Ancona"),
    ("AO", "Aosta"),
    ("AR", "Arezzo"),
    ("AP", "Ascoli Piceno"),
    ("AT", "Asti"),
    ("AV", "Avellino"),
    ("BA", "Bari"),
    ("BT", "Barletta-Andria-Trani"),
    ("BL", "Belluno"),
    ("BN", "Benevento"),
    ("BG", "Bergamo"),
    ("BI", "Biella"),
    ("BO", "Bologna"),
    ("BZ", "Bolzano"),
    ("BS", "Brescia"),
    ("BR", "Brindisi"),
    ("CA", "Cagliari"),
    ("CL", "Caltanissetta"),
    ("CB", "Campobasso"),
    ("CE", "Caserta"),
    ("CT", "Catania"),
    ("CZ", "Catanzaro"),
    ("CH", "Chieti"),
    ("CO", "Como"),
    ("CS", "Cosenza"),
    ("CR", "Cremona"),
    ("KR", "Crotone"),
    ("CN", "Cuneo"),
    ("EN", "Enna"),
    ("FM", "Fermo"),
    ("FE", "Ferrara"),
    ("FI", "Firenze"),
    ("FG", "Foggia"),
    ("FC", "Forlì-Cesena"),
    ("FR", "Frosinone"),
    ("GE", "Genova"),
    ("GO", "Gorizia"),
    ("GR", "Grosseto"),
    ("IM", "Imperia"),
    ("IS", "Isernia"),
    ("AQ", "L'Aquila"),
    ("SP", "La Spezia"),
    ("LT", "Latina"),
    ("LE", "Lecce"),
    ("LC", "Lecco"),
    ("LI", "Livorno"),
    ("LO", "Lodi"),
    ("LU", "Lucca"),
    ("MC", "Macerata"),
    ("MN", "Mantova"),
    ("MS", "Massa-Carrara"),
    ("MT", "Matera"),
    ("ME", "Messina"),
    ("MI", "Milano"),
    ("MO", "Modena"),
    ("MB", "Monza e della Brianza"),
    ("NA", "Napoli"),
    ("NO", "Novara"),
    ("NU", "Nuoro"),
    ("OR", "Oristano"),
    ("PD", "Padova"),
    ("PA", "Palermo"),
    ("PR", "Parma"),
    ("PV", "Pavia"),
    ("PG", "Perugia"),
    ("PU", "Pesaro e Urbino"),
    ("PE", "Pescara"),
    ("PC", "Piacenza"),
    ("PI", "Pisa"),
    ("PT", "Pistoia"),
    ("PN", "Pordenone"),
    ("PZ", "Potenza"),
    ("PO", "Prato"),
    ("RG", "Ragusa"),
    ("RA", "Ravenna"),
    ("RC", "Reggio Calabria"),
    ("RE", "Reggio Emilia"),
    ("RI", "Rieti"),
    ("RN", "Rimini"),
    ("RM", "Roma"),
    ("RO", "Rovigo"),
    ("SA", "Salerno"),
    ("SS", "Sassari"),
    ("SV", "Savona"),
    ("SI", "Siena"),
    ("SR", "Siracusa"),
    ("SO", "Sondrio"),
    ("SU", "Sud Sardegna"),
    ("TA", "Taranto"),
    ("TE", "Teramo"),
    ("TR", "Terni"),
    ("TO", "Torino"),
    ("TP", "Trapani"),
    ("TN", "Trento"),
    ("TV", "Treviso"),
    ("TS", "Trieste"),
    ("UD", "Udine"),
    ("VA", "Varese"),
    ("VE", "Venezia"),
    ("VB", "Verbano-Cusio-Ossola"),
    ("VC", "Vercelli"),
    ("VR", "Verona"),
    ("VV", "Vibo Valentia"),
    ("VI", "Vicenza"),
    ("VT", "Viterbo"),
)

PROVINCE_NAMES: dict[str, str] = dict(PROVINCES)

PROVINCE_CHOICES: tuple[tuple[str, str], ...] = tuple(
    (sigla, f"{name} ({sigla})") for sigla, name in PROVINCES
)

# [0-9] rather than \d, which would also accept non-ASCII digits; fullmatch
# rather than $, which would accept a trailing newline.
_CAP_RE = re.compile(r"[0-9]{5}")


def validate_cap(value: str) -> None:
    if not isinstance(value, str) or not _CAP_RE.fullmatch(value):
        raise ValidationError(
            _("Enter a valid CAP: five digits, e.g. 20121."),
            code="invalid_cap",
            params={"value": value},
        )


def validate_province(value: str) -> None:
    if not isinstance(value, str) or value not in PROVINCE_NAMES:
        raise ValidationError(
            _("Enter a valid Italian province code, e.g. MI."),
            code="invalid_province",
            params={"value": value},
        )


def validate_fiscal_code(value: str) -> None:
    """A codice fiscale with a correct check character (people; companies use their partita IVA)."""
    from stdnum.it import codicefiscale

    if not codicefiscale.is_valid(value or ""):
        raise ValidationError(
            _("“%(value)s” is not a valid codice fiscale."), code="invalid_fiscal_code", params={"value": value}
        )


def validate_vat_number(value: str) -> None:
    """An Italian partita IVA: eleven digits with a correct check digit."""
    from stdnum.it import iva

    if not iva.is_valid(value or ""):
        raise ValidationError(
            _("“%(value)s” is not a valid partita IVA."), code="invalid_vat_number", params={"value": value}
        )
