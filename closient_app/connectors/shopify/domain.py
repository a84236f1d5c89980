"""Shop domains: the only way a shop name becomes part of a URL we call (SSRF guard)."""

from __future__ import annotations

import re

from closient_app.connectors.interface import InvalidShop

MYSHOPIFY_SUFFIX = ".myshopify.com"
MAX_LENGTH = 255
_SHOP_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")  # one DNS label
_SHOP_DOMAIN = re.compile(r"[a-z0-9][a-z0-9-]{0,62}\.myshopify\.com")


def normalize_shop_domain(raw: str) -> str:
    """`acme`, `acme.myshopify.com` or `https://acme.myshopify.com/` -> `acme.myshopify.com`.

    Raises InvalidShop with a reason a person can act on for anything else: other hosts,
    http://, ports, userinfo, paths, non-ASCII (look-alikes), empty or over-long values.
    """
    if not isinstance(raw, str):
        raise InvalidShop("Enter your shop's address.")
    value = raw.strip()
    if not value:
        raise InvalidShop("Enter your shop's address, like acme.myshopify.com.")
    if len(value) > MAX_LENGTH:
        raise InvalidShop("That shop address is too long.")
    if not value.isascii():
        # Look-alike letters (Cyrillic а, fullwidth ．) would otherwise pass a casual glance.
        raise InvalidShop("Shop addresses contain only plain letters, digits and hyphens.")
    value = value.lower()
    if value.startswith("http://"):
        raise InvalidShop("Use the https:// address, or just acme.myshopify.com.")
    if value.startswith("https://"):
        value = value.removeprefix("https://").removesuffix("/")
    if "@" in value:
        raise InvalidShop("A shop address cannot contain '@'.")
    if ":" in value:
        raise InvalidShop("A shop address cannot contain a port or scheme.")
    if any(c in value for c in "/?#\\"):
        raise InvalidShop("Enter only the shop's address, without a path.")
    if _SHOP_NAME.fullmatch(value):
        return value + MYSHOPIFY_SUFFIX
    if _SHOP_DOMAIN.fullmatch(value):
        return value
    if value.endswith(MYSHOPIFY_SUFFIX):
        raise InvalidShop("That is not a valid myshopify.com shop name.")
    raise InvalidShop("Use your shop's myshopify.com address (Settings > Domains in Shopify).")


def is_shop_domain(value: str) -> bool:
    """Exactly a normalised shop domain, as Shopify sends it in callbacks and webhooks."""
    try:
        return normalize_shop_domain(value) == value
    except InvalidShop:
        return False
