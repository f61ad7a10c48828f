"""limit/offset pages for endpoints whose lists may hold millions of rows."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import LimitOffsetPagination

from vicino.core import pagination as capped


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """Like ninja's, but counting stops at the list cap (10,000): `count` is exact up to it,
    and `count_capped` is true when there are more. Counting a million customers would
    cost a second on every page; a client syncing everything filters by `updated_since`."""

    class Output(Schema):
        items: list[Any]
        count: int
        count_capped: bool

    def paginate_queryset(self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        offset = pagination.offset
        limit = min(pagination.limit, self.max_limit)
        cap = capped.LIST_COUNT_CAP
        counted = capped.capped_count(queryset, cap)
        items = capped.rows_slice(queryset, offset, offset + limit)
        return {self.items_attribute: items, "count": min(counted, cap), "count_capped": counted > cap}
