"""Tables of a page's rows: a header row, then one row per item of a list var."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx


def data_table(
    headers: Sequence[str | rx.Component],
    items,
    row: Callable[[Any], rx.Component],
    **table_props: Any,
) -> rx.Component:
    """A table with `headers` (a title, or a header cell of its own) over `row(item)` for
    each item."""
    cells = [h if isinstance(h, rx.Component) else rx.table.column_header_cell(h) for h in headers]
    return rx.table.root(
        rx.table.header(rx.table.row(*cells)),
        rx.table.body(rx.foreach(items, row)),
        **table_props,
    )


def scrolling_table(
    headers: Sequence[str | rx.Component],
    items,
    row: Callable[[Any], rx.Component],
    *,
    box_id: str | None = None,
    **table_props: Any,
) -> rx.Component:
    """A full-width data table that scrolls sideways on a narrow screen rather than squeezing
    its columns (the API keys, the offers, the webhook endpoints)."""
    return rx.box(
        data_table(headers, items, row, variant="surface", width="100%", **table_props),
        width="100%",
        overflow_x="auto",
        id=box_id,
    )
