"""Pages of a listing for the HTML views."""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from planner.extensions import db

# Far past any real listing, and small enough that the offset fits the databases' integers.
MAX_PAGE = 1_000_000_000


def paginate(query: Select, page: int, per_page: int) -> Pagination:
    """One page of `query`; any page past the end, however far, is an empty page."""
    return db.paginate(query, page=min(page, MAX_PAGE), per_page=per_page, error_out=False)
