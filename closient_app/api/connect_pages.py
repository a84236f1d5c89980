"""The pages a person sees at the end of a POS connect: what happened, and what to do next.

Self-contained HTML (inline CSS, no scripts, no CDN), escaped values only. Every failure names
its reason and offers a fresh start; success links back to the onboarding wizard.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from fastapi.responses import HTMLResponse

from closient_app.services.connect import ConnectFailure

WIZARD_PATH = "/onboarding"
FRESH_LINK_HINT = (
    "If an assistant is helping you, ask it for a new install link. "
    "Install links work once and for 30 minutes."
)

# failure -> (HTTP status, title, what happened, what to do)
FAILURES: dict[ConnectFailure, tuple[int, str, str, str]] = {
    ConnectFailure.INVALID_SHOP: (
        400,
        "That is not a Shopify shop address",
        "The link did not name a valid shop, like your-store.myshopify.com.",
        "Start again with your store's myshopify.com address.",
    ),
    ConnectFailure.NEED_LINK: (
        401,
        "This page needs an install link",
        "We could not tell which Closient organization to connect the store to.",
        "Sign in and start from onboarding, or use the install link you were given.",
    ),
    ConnectFailure.UNKNOWN_LINK: (
        404,
        "This install link is not valid",
        "We do not recognize this link. It may have been copied incompletely.",
        "Get a fresh install link and open it in full.",
    ),
    ConnectFailure.EXPIRED_LINK: (
        410,
        "This install link has expired",
        "Install links work for 30 minutes, and this one is older.",
        "Get a fresh install link and open it right away.",
    ),
    ConnectFailure.USED_LINK: (
        410,
        "This install link was already used",
        "Each install link works once, and this one has been opened before.",
        "Get a fresh install link to try again.",
    ),
    ConnectFailure.SHOP_MISMATCH: (
        400,
        "The shop does not match",
        "The link was made for a different shop than the one that answered.",
        "Make sure you are signed in to the right store at Shopify, then start again.",
    ),
    ConnectFailure.BAD_SIGNATURE: (
        400,
        "We could not confirm this came from Shopify",
        "The response was not signed by Shopify, or was changed on the way.",
        "Start again from a fresh install link. Nothing was connected.",
    ),
    ConnectFailure.STALE_CALLBACK: (
        400,
        "The approval took too long",
        "Shopify's response is too old to trust.",
        "Start again from a fresh install link. Nothing was connected.",
    ),
    ConnectFailure.OTHER_BROWSER: (
        403,
        "This approval belongs to another connection attempt",
        "It was started in another browser or window, or for another organization.",
        "Start again in this browser from a fresh install link.",
    ),
    ConnectFailure.EXPIRED_STATE: (
        400,
        "The approval window expired",
        "The trip to Shopify and back has to finish within 10 minutes.",
        "Start again and approve right away.",
    ),
    ConnectFailure.USED_STATE: (
        400,
        "This approval was already used",
        "This response was already handled; reloading the page cannot connect twice.",
        "Check the onboarding page: your store may already be connected.",
    ),
    ConnectFailure.DECLINED: (
        200,
        "You declined the connection",
        "Shopify says access was not approved, so nothing was connected.",
        "If that was a mistake, start again and choose Install at Shopify.",
    ),
    ConnectFailure.OTHER_ORGANIZATION: (
        409,
        "This store is connected to another organization",
        "A Shopify store can be connected to one Closient organization at a time.",
        "Ask an owner of the other organization to disconnect it, or contact support.",
    ),
    ConnectFailure.MISSING_PERMISSIONS: (
        400,
        "Some permissions were not granted",
        "We need to read products, inventory and locations to list your stock.",
        "Start again and approve all requested permissions.",
    ),
    ConnectFailure.SHOPIFY_ERROR: (
        502,
        "Shopify did not complete the connection",
        "Shopify refused or failed to hand over access.",
        "Wait a minute and start again from a fresh install link.",
    ),
    ConnectFailure.SUBSCRIBE_FAILED: (
        502,
        "We could not finish setting up updates",
        "Access was granted, but subscribing to your store's updates failed.",
        "Start again from a fresh install link; your store will be reconnected.",
    ),
}

STYLE = """
body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;
background:#f4f5f7;color:#1d2330}
main{max-width:34rem;margin:12vh auto;padding:2rem 2.25rem;background:#fff;border-radius:12px;
box-shadow:0 1px 3px rgba(0,0,0,.08),0 8px 24px rgba(0,0,0,.06)}
.badge{display:inline-block;font-size:.8rem;font-weight:600;letter-spacing:.04em;
text-transform:uppercase;padding:.2rem .6rem;border-radius:999px}
.ok .badge{background:#e3f6ea;color:#17693a}.fail .badge{background:#fdecea;color:#a2281c}
h1{font-size:1.45rem;margin:.8rem 0 .6rem}p{margin:.5rem 0}.muted{color:#5b6474;font-size:.92rem}
a.button{display:inline-block;margin-top:1.2rem;padding:.65rem 1.2rem;border-radius:8px;
background:#1d4ed8;color:#fff;text-decoration:none;font-weight:600}
a.secondary{margin-left:1rem;color:#1d4ed8}
code{background:#f1f3f6;padding:.1rem .35rem;border-radius:4px}
"""


def _page(*, ok: bool, title: str, body: str, status: int) -> HTMLResponse:
    badge = "Connected" if ok else "Not connected"
    html = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)} · Closient</title><style>{STYLE}</style></head>"
        f'<body><main class="{"ok" if ok else "fail"}"><span class=badge>{badge}</span>'
        f"<h1>{escape(title)}</h1>{body}</main></body></html>"
    )
    # Never cached: these pages describe one attempt, and a shared cache must not keep them.
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    return HTMLResponse(html, status_code=status, headers=headers)


def success_page(*, shop: str, endpoint_count: int) -> HTMLResponse:
    body = (
        f"<p>Your Shopify store <code>{escape(shop)}</code> is now connected to Closient.</p>"
        f"<p>We set up {endpoint_count} webhook endpoints so stock changes reach us as they "
        "happen, and started your first inventory sync. It usually takes 30 to 120 seconds "
        "for catalogs under 1,000 SKUs.</p>"
        "<p class=muted>If an assistant is helping you, tell it you are done: it can check "
        "the connection now.</p>"
        f'<a class=button href="{WIZARD_PATH}">Continue setup</a>'
    )
    return _page(ok=True, title="Your store is connected", body=body, status=200)


def failure_page(
    failure: ConnectFailure,
    *,
    shop: str | None = None,
    organization_id: str | None = None,
    detail: str | None = None,
) -> HTMLResponse:
    status, title, happened, todo = FAILURES[failure]
    body = f"<p>{escape(happened)}</p>"
    if detail and failure is ConnectFailure.MISSING_PERMISSIONS:
        body += f"<p class=muted>Not granted: {escape(detail)}</p>"
    body += f"<p><strong>What to do:</strong> {escape(todo)}</p>"
    body += f"<p class=muted>{escape(FRESH_LINK_HINT)}</p>"
    body += (
        f'<a class=button href="{escape(fresh_start_url(shop, organization_id))}">Start again</a>'
    )
    body += f'<a class=secondary href="{WIZARD_PATH}">Back to onboarding</a>'
    return _page(ok=False, title=title, body=body, status=status)


def fresh_start_url(shop: str | None, organization_id: str | None) -> str:
    """A new attempt for a signed-in retailer (the install route then needs no link); for
    anyone else that page explains how to get a fresh install link."""
    if not shop:
        return WIZARD_PATH
    query = {"shop": shop}
    if organization_id:
        query["organization_id"] = organization_id
    return "/integrations/shopify/install?" + urlencode(query)
