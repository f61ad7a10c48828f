"""Pages of lists that may hold millions of rows: counted only up to a cap.

Counting a million customers costs SQLite a second; nobody pages through ten thousand
rows either. `CappedPaginator` counts at most `cap` + 1 rows, offers the pages up to the
cap, and tells the template (`paginator.capped`) to say "more than" and suggest a filter.
"""

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

LIST_COUNT_CAP = 10_000


def rows_slice(rows, start: int, stop: int):
    """rows[start:stop] of an ordered list, the page's keys found first and only its own rows read whole.

    A list's columns can cost (a customer's contacts are a subquery): read for the rows an
    OFFSET passes over, page 150 of the customers cost PostgreSQL 7,500 of them.
    """
    if not isinstance(rows, QuerySet) or rows.query.distinct or rows.query.combinator:
        return rows[start:stop]
    keys = list(rows.values_list("pk", flat=True)[start:stop])
    return list(rows.filter(pk__in=keys)) if keys else []


def capped_count(rows, cap: int = LIST_COUNT_CAP) -> int:
    """How many rows, counting at most cap + 1 of them (a queryset or a list)."""
    if isinstance(rows, list) or not hasattr(rows, "values"):
        return min(len(rows), cap + 1)
    # Only the keys, unordered: the list's columns (a JSON of contacts, say) and its sort
    # would cost more than the count.
    return rows.order_by().values("pk")[: cap + 1].count()


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap if cap is not None else LIST_COUNT_CAP

    @cached_property
    def count(self) -> int:
        """The rows, or cap + 1 when there are more than cap."""
        return capped_count(self.object_list, self.cap)

    def page(self, number):
        """Django's page, its rows read through `rows_slice`."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows_slice(self.object_list, bottom, top), number, self)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        shown = min(self.count, self.cap)
        if shown == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, -(-max(shown - self.orphans, 0) // self.per_page))
