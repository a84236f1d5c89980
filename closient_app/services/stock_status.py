"""Stock status from a quantity: the one rule, in Python and as SQL, so both always agree.

`unknown` when the POS keeps no count (untracked item) or sent none; `out_of_stock` at 0 or
below (Shopify allows overselling into negative counts); `low_stock` from 1 up to below
LOW_STOCK_THRESHOLD; `in_stock` from there.
"""

from __future__ import annotations

from closient_app.models import StockStatus


def stock_status(quantity: int | None, *, tracked: bool, low_below: int) -> StockStatus:
    if not tracked or quantity is None:
        return StockStatus.UNKNOWN
    if quantity <= 0:
        return StockStatus.OUT_OF_STOCK
    if quantity < low_below:
        return StockStatus.LOW_STOCK
    return StockStatus.IN_STOCK


def stock_status_sql(quantity: str, tracked: str, low_below: str = ":low_below") -> str:
    """The same rule as a SQL CASE over two column expressions (trusted fragments only)."""
    return (
        f"(CASE WHEN NOT ({tracked}) OR ({quantity}) IS NULL THEN 'unknown' "
        f"WHEN ({quantity}) <= 0 THEN 'out_of_stock' "
        f"WHEN ({quantity}) < {low_below} THEN 'low_stock' ELSE 'in_stock' END)"
    )
