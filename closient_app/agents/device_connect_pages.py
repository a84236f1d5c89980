"""The verification page of the headless POS connect, in its states: sign in, enter the code,
confirm the shop and organization, denied. Server-rendered HTML, no scripts, every value escaped;
the layout is the OAuth device page's, so both device flows look alike."""

from __future__ import annotations

from html import escape

from closient_app.models import Organization, PosDeviceGrant
from closient_app.oauth.pages import page

PAGE_PATH = "/integrations/connect/device"
PROVIDER_NAMES = {"shopify": "Shopify"}


def _code_field(user_code: str) -> str:
    return f"<input type=hidden name=user_code value='{escape(user_code)}'>"


def login_page(user_code: str, *, error: str = "") -> str:
    body = (
        "<p>An assistant asked to connect your store's point of sale to Closient. "
        "Sign in with your Closient account to see what it asks for.</p>"
        f"<form method=post action={PAGE_PATH}/login>{_code_field(user_code)}"
        "<label for=email>Email</label><input id=email name=email type=email required>"
        "<label for=password>Password</label>"
        "<input id=password name=password type=password required>"
        "<button>Sign in</button></form>"
        "<p>No account yet? <a href=/signup>Sign up</a>, create your organization, then open "
        "this link again.</p>"
    )
    return page("Connect your point of sale", body, error=error)


def code_entry_page(user_code: str = "", *, error: str = "") -> str:
    body = (
        f"<form method=get action={PAGE_PATH}>"
        "<label for=code>The code your assistant showed you</label>"
        f"<input id=code name=user_code value='{escape(user_code)}' autocomplete=off required "
        "placeholder=BCDF-GHJK><button>Continue</button></form>"
    )
    return page("Enter your code", body, error=error)


def confirm_page(
    *, user_code: str, grant: PosDeviceGrant, organization: Organization, csrf_token: str
) -> str:
    provider = PROVIDER_NAMES.get(grant.provider, grant.provider)
    body = (
        f"<p>Code <code>{escape(user_code.upper())}</code>. Your assistant asks to connect "
        f"the {escape(provider)} store <code>{escape(grant.shop_domain)}</code> to "
        f"<strong>{escape(organization.name)}</strong> on Closient.</p>"
        f"<p>Closient will read your products, stock levels and store locations, so shoppers "
        f"nearby find what you have in stock. Next you approve this at {escape(provider)}.</p>"
        f"<form method=post action={PAGE_PATH}/decision>{_code_field(user_code)}"
        f"<input type=hidden name=csrf_token value='{escape(csrf_token)}'>"
        f"<button name=decision value=approve>Continue to {escape(provider)}</button> "
        "<button class=deny name=decision value=deny>Deny</button></form>"
    )
    return page("Connect your store?", body)


def denied_page() -> str:
    body = "<p>Nothing was connected. Tell your assistant, or close this page.</p>"
    return page("Connection denied", body)
