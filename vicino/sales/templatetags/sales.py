"""Template filters of sales: euro amounts as a reader of the active language writes them."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()

CENT = Decimal("0.01")
MINUS = "\u2212"  # the typographic minus: a hyphen reads as a dash in a price column


@register.filter
def euro(value: Decimal | int | str | None) -> str:
    """An amount with cents and thousands grouped: "31.720,00 €" in Italian, "€31,720.00" in English.

    Grouping is forced, whatever USE_THOUSAND_SEPARATOR says: a price without it is hard to read.
    A negative amount (a discount, a trade-in) keeps its sign in front: "− 1.500,00 €".
    """
    if value is None or value == "":
        return ""
    # Django's number formatting cuts extra decimals instead of rounding them: round first.
    amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    digits = number_format(abs(amount), 2, use_l10n=True, force_grouping=True)
    if (get_language() or "").startswith("en"):
        return f"{MINUS}€{digits}" if amount < 0 else f"€{digits}"
    return f"{MINUS} {digits} €" if amount < 0 else f"{digits} €"
