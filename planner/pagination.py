"""Pages of a listing for the HTML views and the API.

`paginate` counts and skips with OFFSET: fine for short listings (an organisation's activity).
`paginate_by_key` serves long public listings whose cost must not grow with their depth: the
listing's order is a total order on a few indexed columns (the last one unique), and a page
index, made once and remembered, holds the total and the ordering key of every
`INDEX_STEP`-th row. A page is then read by seeking to the nearest remembered key before it
(an index condition) and skipping fewer than `INDEX_STEP` rows, so page 200 costs what page 1
costs; the page index is built by one scan of the listing's keys (in the index alone where
an index covers the filters) once per cache key, in place of a count on every request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from planner.caching import remembered
from planner.extensions import db

# Far past any real listing, and small enough that the offset fits the databases' integers.
MAX_PAGE = 1_000_000_000

# A remembered key every INDEX_STEP rows: pages of any size start at most INDEX_STEP - 1 rows
# after one, and the index of 50,000 rows stays a few thousand integers.
INDEX_STEP = 20

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def paginate(query: Select, page: int, per_page: int) -> Pagination:
    """One page of `query` by OFFSET; any page past the end, however far, is an empty page."""
    page = min(page, MAX_PAGE)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


@dataclass(frozen=True)
class Ordering:
    """A listing's total order: (column, descending) pairs, the last column unique."""

    columns: tuple[tuple[Any, bool], ...]

    def clauses(self) -> list[Any]:
        return [column.desc() if descending else column for column, descending in self.columns]

    def from_key(self, key: Sequence[Any]) -> ColumnElement[bool]:
        """Rows at or after `key` in this order. The first column's bound is repeated on its
        own so that the database seeks to it in an index rather than testing every row."""
        (first, first_descending), *_ = self.columns
        at_or_after = first <= key[0] if first_descending else first >= key[0]
        return and_(at_or_after, self._from(0, key))

    def _from(self, number: int, key: Sequence[Any]) -> ColumnElement[bool]:
        column, descending = self.columns[number]
        if number == len(self.columns) - 1:
            return column <= key[number] if descending else column >= key[number]
        after = column < key[number] if descending else column > key[number]
        return or_(after, and_(column == key[number], self._from(number + 1, key)))


@dataclass(frozen=True)
class PageIndex:
    """How many rows a listing has, and the key of every INDEX_STEP-th row (encoded to
    plain integers and strings, so that it is small to store and quick to read back)."""

    total: int
    keys: list[tuple[Any, ...]]

    def key(self, number: int) -> tuple[Any, ...]:
        return tuple(_decode(value) for value in self.keys[number])


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return ("t", (moment - _EPOCH) // timedelta(microseconds=1))
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, tuple) and value[0] == "t":
        return _EPOCH + timedelta(microseconds=value[1])
    return value


def build_page_index(query: Select, ordering: Ordering) -> PageIndex:
    """The page index of `query`: one statement numbering the listing's keys in order and
    keeping every INDEX_STEP-th, with the count of all."""
    columns = [column for column, _descending in ordering.columns]
    numbered = (
        query.with_only_columns(
            *columns,
            func.row_number().over(order_by=ordering.clauses()).label("row_number"),
            func.count().over().label("total"),
        )
        .order_by(None)
        .subquery()
    )
    keys = [numbered.c[column.key] for column in columns]
    rows = db.session.execute(
        select(*keys, numbered.c.total)
        .where((numbered.c.row_number - 1) % INDEX_STEP == 0)
        .order_by(numbered.c.row_number)
    ).all()
    total = rows[0][-1] if rows else 0
    return PageIndex(
        total=total, keys=[tuple(_encode(value) for value in row[:-1]) for row in rows]
    )


class KeysetPagination(Pagination):
    """A page read from its nearest remembered key onwards (see the module's text)."""

    def _query_items(self) -> list[Any]:
        query: Select = self._query_args["select"]
        index: PageIndex = self._query_args["index"]
        ordering: Ordering = self._query_args["ordering"]
        offset = (self.page - 1) * self.per_page
        if offset >= index.total:
            return []
        step, skip = divmod(offset, INDEX_STEP)
        if step:
            query = query.where(ordering.from_key(index.key(step)))
        page = query.offset(skip or None).limit(self.per_page)
        return list(db.session.execute(page).unique().scalars())

    def _query_count(self) -> int:
        return self._query_args["index"].total


def paginate_by_key(
    query: Select,
    page: int,
    per_page: int,
    *,
    ordering: Ordering,
    cache_key: str,
) -> Pagination:
    """One page of `query`, ordered by `ordering` (which must be the query's own ORDER BY),
    found through the page index remembered under `cache_key`: the key must change whenever
    the listing's rows may (the data version, the filters, the passing of time). Any page
    past the end, however far, is an empty page."""
    page = min(page, MAX_PAGE)
    # The step and the stored form are part of the key: a shared cache may still hold
    # indexes written by an older release.
    key = f"page-index:1:{INDEX_STEP}:{cache_key}"
    index = remembered(key, lambda: build_page_index(query, ordering))
    return KeysetPagination(
        select=query, index=index, ordering=ordering, page=page, per_page=per_page, error_out=False
    )
