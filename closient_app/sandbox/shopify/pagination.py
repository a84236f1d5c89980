"""Relay connections over id-sorted lists: first/after, last/before, reverse; max 250 per page."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from graphql import GraphQLError

from .ids import decode_cursor, encode_cursor

T = TypeVar("T")
MAX_PAGE_SIZE = 250


def paginate(
    items: Sequence[T],
    ids: Sequence[int],
    args: dict[str, Any],
    *,
    unbounded: bool = False,
    node: Callable[[T], Any] | None = None,
) -> dict[str, Any]:
    """One page of `items` (sorted by `ids`) as a connection dict the schema can resolve.

    `unbounded` serves bulk operations, which read every item and ignore first/last.
    """
    first, last = args.get("first"), args.get("last")
    if not unbounded:
        check_page_size(first, last)
    if args.get("reverse"):
        items, ids = items[::-1], [-i for i in reversed(ids)]
    sign = -1 if args.get("reverse") else 1
    start, stop = 0, len(ids)
    if args.get("after"):
        start = bisect.bisect_right(ids, sign * cursor_id(args["after"]))
    if args.get("before"):
        stop = max(start, bisect.bisect_left(ids, sign * cursor_id(args["before"])))
    if not unbounded and first is not None:
        stop = min(stop, start + first)
    elif not unbounded and last is not None:
        start = max(start, stop - last)
    page = items[start:stop]
    nodes = [node(item) for item in page] if node else list(page)
    cursors = [encode_cursor(sign * ids[i]) for i in range(start, stop)]
    return {
        "nodes": nodes,
        "edges": [{"cursor": c, "node": n} for c, n in zip(cursors, nodes, strict=True)],
        "pageInfo": {
            "hasNextPage": stop < len(ids),
            "hasPreviousPage": start > 0,
            "startCursor": cursors[0] if cursors else None,
            "endCursor": cursors[-1] if cursors else None,
        },
    }


def check_page_size(first: int | None, last: int | None) -> None:
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    for name, value in (("first", first), ("last", last)):
        if value is None:
            continue
        if value < 0:
            raise GraphQLError(f"`{name}` must be a non-negative integer")
        if value > MAX_PAGE_SIZE:
            raise GraphQLError(
                f"The requested page size ({value}) exceeds the maximum of "
                f"{MAX_PAGE_SIZE} for `{name}`."
            )


def cursor_id(cursor: str) -> int:
    item_id = decode_cursor(cursor)
    if item_id is None:
        raise GraphQLError("Invalid cursor for current pagination sort.")
    return item_id
