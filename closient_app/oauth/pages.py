"""The device verification page (RFC 8628 3.3): plain server-rendered HTML, no scripts.

Three states: log in or sign up; enter the code; confirm what the agent asks for and pick the
organization. Every value shown is escaped.
"""

from __future__ import annotations

from html import escape

from closient_app.models import DeviceGrant, Organization, Role

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem;color:#222}
form{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}
label{display:block;margin:.5rem 0 .2rem}
input,select{width:100%;box-sizing:border-box;padding:.4rem;font:inherit}
button{margin-top:1rem;padding:.5rem 1rem;font:inherit} .error{color:#a00;font-weight:600}
code{font-size:1.1em} .deny{background:none;border:1px solid #999}
"""


def page(title: str, body: str, *, error: str = "") -> str:
    problem = f"<p class=error role=alert>{escape(error)}</p>" if error else ""
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>{problem}{body}</body></html>"
    )


def _code_field(user_code: str) -> str:
    return f"<input type=hidden name=user_code value='{escape(user_code)}'>"


def login_page(user_code: str, *, error: str = "") -> str:
    fields = (
        "<label for={p}email>Email</label><input id={p}email name=email type=email required>"
        "<label for={p}password>Password</label>"
        "<input id={p}password name=password type=password required minlength=10>"
    )
    body = (
        "<p>An agent asked to act for you. Log in to see what it asks for.</p>"
        f"<form method=post action=/oauth/device/login>{_code_field(user_code)}"
        f"{fields.format(p='l-')}<button>Log in</button></form>"
        f"<form method=post action=/oauth/device/signup>{_code_field(user_code)}"
        "<p>New here? Create an account.</p>"
        "<label for=s-name>Your name</label><input id=s-name name=name>"
        f"{fields.format(p='s-')}<button>Sign up</button></form>"
    )
    return page("Connect an agent", body, error=error)


def code_entry_page(user_code: str = "", *, error: str = "") -> str:
    body = (
        "<form method=get action=/oauth/device>"
        "<label for=code>The code your agent showed you</label>"
        f"<input id=code name=user_code value='{escape(user_code)}' autocomplete=off required "
        "placeholder=BCDF-GHJK><button>Continue</button></form>"
    )
    return page("Enter your code", body, error=error)


def confirm_page(
    *,
    user_code: str,
    grant: DeviceGrant,
    organizations: list[tuple[Organization, Role]],
    csrf_token: str,
    error: str = "",
) -> str:
    scopes = "".join(f"<li><code>{escape(s)}</code></li>" for s in grant.scopes)
    options = "".join(
        f"<option value='{escape(org.id)}'>{escape(org.name)} ({role.value})</option>"
        for org, role in organizations
    )
    options += "<option value=''>No specific organization: all of mine, and new ones</option>"
    body = (
        f"<p>Code <code>{escape(user_code.upper())}</code>. The agent "
        f"(<code>{escape(grant.client_id)}</code>) asks for:</p><ul>{scopes}</ul>"
        "<p>It will act as you, with your role in each organization.</p>"
        f"<form method=post action=/oauth/device/decision>{_code_field(user_code)}"
        f"<input type=hidden name=csrf_token value='{escape(csrf_token)}'>"
        f"<label for=org>Organization it may act for</label><select id=org name=organization_id>"
        f"{options}</select>"
        "<button name=decision value=approve>Approve</button> "
        "<button class=deny name=decision value=deny>Deny</button></form>"
    )
    return page("Approve this agent?", body, error=error)


def done_page(approved: bool) -> str:
    if approved:
        return page("Agent connected", "<p>Done. Go back to your agent: it can continue now.</p>")
    return page("Request denied", "<p>The agent gets no access. You can close this page.</p>")
