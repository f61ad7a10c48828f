from django import template

from ..phones import phone_display

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """A stored E.164 number as an Italian reads it."""
    return phone_display(value)
