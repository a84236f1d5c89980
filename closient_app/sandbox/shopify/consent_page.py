"""The HTML a merchant sees at /admin/oauth/authorize: the consent form and the error page."""

from __future__ import annotations

from html import escape

SCOPE_DESCRIPTIONS = {
    "products": "products, variants and collections",
    "inventory": "inventory levels and inventory items",
    "locations": "store locations and their addresses",
    "orders": "orders, transactions and fulfillments",
    "customers": "customer details",
}
FORM_FIELDS = ("client_id", "scope", "redirect_uri", "state", "grant_options[]")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;color:#202223}}
.sandbox{{background:#fff4e5;padding:.5rem 1rem;border-radius:.5rem}}
button{{font-size:1rem;padding:.6rem 1.2rem;margin-right:.5rem;border-radius:.4rem}}
.approve{{background:#008060;color:#fff;border:0}}</style></head>
<body><p class="sandbox">Shopify sandbox: an emulator for development and tests.</p>
{content}</body></html>"""


def describe_scope(scope: str) -> str:
    verb, _, resource = scope.removeprefix("unauthenticated_").partition("_")
    what = SCOPE_DESCRIPTIONS.get(resource, resource.replace("_", " "))
    return f"{'View' if verb == 'read' else 'View and edit'} {what}"


def consent_html(*, shop: str, action: str, params: dict[str, str], scopes: list[str]) -> str:
    items = (
        "".join(f"<li><code>{escape(s)}</code>: {escape(describe_scope(s))}</li>" for s in scopes)
        or "<li>No data access requested</li>"
    )
    hidden = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(params[k])}">'
        for k in FORM_FIELDS
        if params.get(k) is not None
    )
    content = (
        f"<h1>Install app on {escape(shop)}</h1>"
        f"<p>App <code>{escape(params['client_id'])}</code> is asking to:</p><ul>{items}</ul>"
        f'<form method="post" action="{escape(action)}">{hidden}'
        '<button class="approve" type="submit" name="decision" value="approve">Approve</button>'
        '<button type="submit" name="decision" value="decline">Decline</button></form>'
    )
    return PAGE.format(title=f"Install app: {escape(shop)}", content=content)


def error_html(message: str) -> str:
    content = f"<h1>Oauth error</h1><p>Oauth error {escape(message)}</p>"
    return PAGE.format(title="Oauth error", content=content)
