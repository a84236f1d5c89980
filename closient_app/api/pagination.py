"""The contract's list envelope: `?page=1&page_size=25` (max 100) ->
`{"count", "data", "pagination": {page, page_size, total_count, total_pages, has_next,
has_previous}}`. Routes take `PageDep` and return `Page[Item].build(items, total, page)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlmodel import Session, func, select
from sqlmodel.sql.expression import Select

MAX_PAGE_SIZE = 100
# Bounds OFFSET ((page - 1) * page_size) far below PostgreSQL's bigint, which a huge page
# number overflowed into a 500; no real listing has a million pages.
MAX_PAGE = 1_000_000
DEFAULT_PAGE_SIZE = 25

Item = TypeVar("Item")


@dataclass(frozen=True)
class PageRequest:
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def limit(self) -> int:
        return self.page_size


def page_request(
    page: Annotated[
        int, Query(ge=1, le=MAX_PAGE, description=f"1-based page number, at most {MAX_PAGE}")
    ] = 1,
    page_size: Annotated[
        int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"At most {MAX_PAGE_SIZE}")
    ] = DEFAULT_PAGE_SIZE,
) -> PageRequest:
    return PageRequest(page=page, page_size=page_size)


PageDep = Annotated[PageRequest, Depends(page_request)]


class Pagination(BaseModel):
    page: int
    page_size: int
    total_count: int
    total_pages: int
    has_next: bool
    has_previous: bool


class Page(BaseModel, Generic[Item]):
    count: int  # the total across all pages, as the contract's examples use it
    data: list[Item]
    pagination: Pagination

    @classmethod
    def build(cls, items: list[Item], *, total: int, request: PageRequest) -> Page[Item]:
        total_pages = -(-total // request.page_size)  # ceiling division
        return cls(
            count=total,
            data=items,
            pagination=Pagination(
                page=request.page,
                page_size=request.page_size,
                total_count=total,
                total_pages=total_pages,
                has_next=request.page < total_pages,
                has_previous=request.page > 1,
            ),
        )


def paginate(session: Session, query: Select, request: PageRequest, to_item: Callable) -> Page:
    """Count a select statement's rows and return the requested page of them, converted."""
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.offset(request.offset).limit(request.limit)).all()
    return Page.build([to_item(row) for row in rows], total=total, request=request)
