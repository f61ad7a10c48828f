"""Phone numbers as people write them, stored as E.164 (+393331234567); Italy is the default country."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "IT"

# Italian mobiles are most numbers an import sees; phonenumbers' own pattern for them
# answers at once, where a full parse costs ~50 µs. Anything else takes the full parse.
_ITALIAN_MOBILE = re.compile(phonenumbers.PhoneMetadata.metadata_for_region("IT").mobile.national_number_pattern)
_MOBILE_WRITING = re.compile(r"(?:\+39|0039)?[\s.\-]*(3[\d\s.\-]{7,14})")
_SEPARATORS = re.compile(r"[\s.\-]")


def phone_normalise(text: str) -> str:
    """E.164 for any common writing (333 1234567, +39 333…, 0039…, 02/1234567); ValidationError otherwise."""
    raw = (text or "").strip()
    if match := _MOBILE_WRITING.fullmatch(raw):
        national = _SEPARATORS.sub("", match.group(1))
        if _ITALIAN_MOBILE.fullmatch(national):
            return "+39" + national
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

