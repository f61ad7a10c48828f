from decimal import Decimal

from django import template

register = template.Library()

GRADE_CLASSES = {"red": "grade-red", "amber": "grade-amber", "green": "grade-green"}


@register.filter
def euro(amount: Decimal | None) -> str:
    """An amount as Italians write it: "€ 1.341,60"."""
    if amount is None:
        return ""
    return "€ " + f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


@register.filter
def grade_class(grade: str) -> str:
    return GRADE_CLASSES.get(grade, "badge-muted")
