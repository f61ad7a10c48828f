"""Pages of lists that may hold millions of rows: counted only up to a cap.

Counting a million customers costs SQLite a second; nobody pages through ten thousand
rows either. `CappedPaginator` counts at most `cap` + 1 rows, offers the pages up to the
cap, and tells the template (`paginator.capped`) to say "more than" and suggest a filter.
"""

from functools import cached_property

from django.core.paginator import Paginator

LIST_COUNT_CAP = 10_000


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

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        shown = min(self.count, self.cap)
        if shown == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, -(-max(shown - self.orphans, 0) // self.per_page))
