"""Turning failures into words on the page: the API's error envelope and domain errors alike.

Log-in and sign-up post from the browser to the JSON routes (so the session cookie is set
HttpOnly by the server); every other form calls services in-process. Both end up here.
"""

from __future__ import annotations

import json
from typing import Any

from closient_app.errors import ApiError

NETWORK_TROUBLE = "We could not reach Closient. Check your connection and try again."


def post_json_script(path: str, fields: dict[str, str]) -> str:
    """Browser JS that POSTs the values of inputs (JSON key -> element id) and resolves to
    `{status, body}`. Only constants are interpolated; what people typed is never in the code.
    """
    values = ", ".join(
        f"{json.dumps(key)}: document.getElementById({json.dumps(element)}).value"
        for key, element in fields.items()
    )
    return (
        "(async () => { try { const r = await fetch(" + json.dumps(path) + ", {method: 'POST', "
        "credentials: 'same-origin', headers: {'Content-Type': 'application/json'}, "
        "body: JSON.stringify({" + values + "})}); let body = {}; "
        "try { body = await r.json(); } catch (e) {} return {status: r.status, body: body}; "
        "} catch (e) { return {status: 0, body: {}}; } })()"
    )


def go_to_script(path: str) -> str:
    """A full navigation: the new websocket then carries the cookie the server just set."""
    return f"window.location.assign({json.dumps(path)})"


def envelope_problems(answer: Any) -> tuple[str, dict[str, str]]:
    """(message, {field: message}) from a `{status, body}` answer with the error envelope."""
    if not isinstance(answer, dict) or not answer.get("status"):
        return NETWORK_TROUBLE, {}
    error = (answer.get("body") or {}).get("error") or {}
    fields = {
        str(d.get("field", "")).split(".")[-1]: str(d.get("message", ""))
        for d in error.get("details") or []
        if isinstance(d, dict)
    }
    message = error.get("message") or "Something went wrong on our side. Please try again."
    return str(message), fields


def problem_text(error: Exception) -> str:
    """What a person reads when an in-process action is refused: a `NotAllowed` (role, log-in)
    says it in its own words; a domain error gives its message (`domain_problems`)."""
    return domain_problems(error)[0] if isinstance(error, ApiError) else str(error)


def domain_problems(error: ApiError) -> tuple[str, dict[str, str]]:
    fields = {str(d.get("field", "")).split(".")[-1]: d.get("message", "") for d in error.details}
    # `next_step` is written for agents (it names endpoints), so people get the message only.
    return error.message, fields
