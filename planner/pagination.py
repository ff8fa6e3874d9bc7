"""Pages of a listing for the HTML views."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select

from planner.extensions import db

# Far past any real listing, and small enough that the offset fits the databases' integers.
MAX_PAGE = 1_000_000_000


class IdsFirstPagination(SelectPagination):
    """A page found by its rows' ids first, then loaded: the skipping of earlier pages reads
    an index alone (a covering index holds the key and the columns filtered on), however
    deep the page; only the page's own rows are read from the table."""

    def _query_items(self) -> list[Any]:
        select = self._query_args["select"]
        key = self._query_args["key"]
        session = self._query_args["session"]
        page = select.with_only_columns(key).limit(self.per_page).offset(self._query_offset)
        ids = session.execute(page).scalars().all()
        if not ids:
            return []
        return list(session.execute(select.where(key.in_(ids))).unique().scalars())


def paginate(query: Select, page: int, per_page: int, *, key: Any = None) -> Pagination:
    """One page of `query`; any page past the end, however far, is an empty page.

    With `key` (the primary key column), the page's ids are found first (IdsFirstPagination).
    """
    page = min(page, MAX_PAGE)
    if key is None:
        return db.paginate(query, page=page, per_page=per_page, error_out=False)
    return IdsFirstPagination(
        select=query, session=db.session(), key=key, page=page, per_page=per_page, error_out=False
    )
