"""Words and numbers for the public store page: hours, prices, freshness. Pure functions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from closient_app import freshness
from closient_app.connectors.money import minor_unit_digits
from closient_app.schemas.hours import DAYS, OpeningHours, minutes
from closient_app.services.storefront import ShelfItem

CURRENCY_SYMBOLS = {"USD": "$", "CAD": "CA$", "MXN": "MX$", "EUR": "€", "GBP": "£"}
CONFIDENCE_COLORS = {"confirmed": "grass", "likely": "teal", "uncertain": "amber", "stale": "gray"}


def clock_text(hhmm: str) -> str:
    """'09:00' -> '9 AM', '17:30' -> '5:30 PM', '24:00' -> 'midnight'."""
    total = minutes(hhmm)
    if total in (0, 24 * 60):
        return "midnight"
    hour, minute = divmod(total, 60)
    suffix = "AM" if hour < 12 else "PM"
    hour12 = hour % 12 or 12
    return f"{hour12}:{minute:02d} {suffix}" if minute else f"{hour12} {suffix}"


def hours_rows(hours: OpeningHours | None, now: datetime) -> list[dict[str, str]]:
    """One row per weekday in the store's own timezone; today's row is marked."""
    if hours is None:
        return []
    today = now.astimezone(ZoneInfo(hours.timezone)).weekday()
    rows = []
    for index, day in enumerate(DAYS):
        spans = sorted((i for i in hours.weekly if i.day_of_week == day), key=lambda i: i.opens)
        text = ", ".join(f"{clock_text(i.opens)} – {clock_text(i.closes)}" for i in spans)
        rows.append(
            {"day": day.title(), "times": text or "Closed", "today": "1" if index == today else ""}
        )
    return rows


def price_text(amount: int, currency: str) -> str:
    digits = minor_unit_digits(currency)
    value = Decimal(amount).scaleb(-digits)
    number = f"{value:,.{digits}f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency}"


def checked_text(last_sync: datetime | None, now: datetime) -> str:
    if last_sync is None:
        return "Stock not checked yet"
    seconds = max(0, int((now - last_sync).total_seconds()))
    if seconds < 90:
        return "Checked just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"Checked {count} {unit}{'s' if count != 1 else ''} ago"
    return "Checked just now"


def shelf_rows(items: list[ShelfItem], now: datetime) -> list[dict[str, str]]:
    rows = []
    for item in items:
        confidence = freshness.inventory_confidence(item.last_inventory_sync, now)
        low = item.stock_status == "low_stock"
        rows.append(
            {
                "name": item.product_name,
                "brand": item.brand,
                "price": price_text(item.price_amount, item.price_currency),
                "stock": "Low stock" if low else "In stock",
                "stock_color": "amber" if low else "grass",
                "confidence": confidence.title(),
                "confidence_color": CONFIDENCE_COLORS[confidence],
                "checked": checked_text(item.last_inventory_sync, now),
            }
        )
    return rows
