"""Italian administrative data: provinces and postal codes (CAP)."""

import datetime
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


_FISCAL_CODE_RE = re.compile(r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]")
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The check character's tables (DM 23/12/1976): a character's value depends on whether
# it stands in an odd or even place; digits count as the letters in the same position.
_ODD = dict(zip(_ALNUM, [1, 0, 5, 7, 9, 13, 15, 17, 19, 21] + [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]))
_EVEN = dict(zip(_ALNUM, list(range(10)) + list(range(26))))
# Digits replaced by letters for homocodes (omocodia) stand for the same digit.
_DATE_DIGIT = {**{d: int(d) for d in "0123456789"}, **{c: n for n, c in enumerate("LMNPQRSTUV")}}
_MONTH = {c: n + 1 for n, c in enumerate("ABCDEHLMPRST")}


def fiscal_code_is_valid(code: str) -> bool:
    """Whether a codice fiscale without spaces is valid, as `stdnum.it.codicefiscale.is_valid` says.

    The same rules (format, check character, an existing birth date; an 11-digit code is a
    company's partita IVA) without stdnum's repeated clean-ups: an import checks a million.
    """
    from stdnum.it import iva

    code = code.upper()
    if len(code) == 11:
        return iva.is_valid(code)
    if len(code) != 16 or not _FISCAL_CODE_RE.fullmatch(code):
        return False
    total = sum(_ODD[c] for c in code[0:15:2]) + sum(_EVEN[c] for c in code[1:15:2])
    if _ALNUM[10 + total % 26] != code[15]:
        return False
    year = 1900 + _DATE_DIGIT[code[6]] * 10 + _DATE_DIGIT[code[7]]
    day = (_DATE_DIGIT[code[9]] * 10 + _DATE_DIGIT[code[10]]) % 40
    try:
        # The century is unknown; stdnum tries 1920–2019, and only 29 February depends on it.
        datetime.date(year if year >= 1920 else year + 100, _MONTH[code[8]], day)
    except ValueError:
        return False
    return True


def validate_fiscal_code(value: str) -> None:
    """A codice fiscale with a correct check character (people; companies use their partita IVA)."""
    if not fiscal_code_is_valid((value or "").replace(" ", "")):
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
