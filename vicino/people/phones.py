"""Phone numbers as people write them, stored as E.164 (+393331234567); Italy is the default country."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "IT"

# Italian mobiles and landlines are most numbers an import sees; phonenumbers' own
# patterns for them answer at once, where a full parse costs ~30–50 µs. Italy keeps a
# landline's leading 0 after +39, so either is "+39" and its national digits.
# Anything else takes the full parse.
_IT = phonenumbers.PhoneMetadata.metadata_for_region("IT")
_ITALIAN_MOBILE = re.compile(_IT.mobile.national_number_pattern)
_ITALIAN_LANDLINE = re.compile(_IT.fixed_line.national_number_pattern)
_ITALIAN_WRITING = re.compile(r"(?:\+39|0039)?[\s.\-]*([03][\d\s.\-/]{5,14})")
_SEPARATORS = re.compile(r"[\s.\-/]")


def phone_normalise(text: str) -> str:
    """E.164 for any common writing (333 1234567, +39 333…, 0039…, 02/1234567); ValidationError otherwise."""
    raw = (text or "").strip()
    if match := _ITALIAN_WRITING.fullmatch(raw):
        national = _SEPARATORS.sub("", match.group(1))
        if (_ITALIAN_MOBILE if national[0] == "3" else _ITALIAN_LANDLINE).fullmatch(national):
            return "+39" + national
    return phone_parse(raw)


def phone_parse(raw: str) -> str:
    """`phone_normalise` through phonenumbers' full parse, for every number (the fast paths' reference)."""
    candidate = "+" + raw[2:] if raw.startswith("00") else raw
    try:
        number = phonenumbers.parse(candidate, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("“%(value)s” is not a valid phone number."), code="invalid_phone", params={"value": raw})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    """How an Italian reads a stored number: national format at home, international abroad."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == DEFAULT_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)

