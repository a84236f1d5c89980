"""A human-readable page per app, rendered on the server from its OpenAPI document.

Self-contained HTML with inline CSS: no CDN, no scripts, so it works offline and behind any
firewall. Swagger UI would need assets from a CDN (or vendored megabytes) for the same content.
"""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi.responses import HTMLResponse

STYLE = """
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{margin-bottom:.2rem} h2{margin-top:2.5rem;border-bottom:1px solid #ddd}
.op{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.m{display:inline-block;min-width:4.5rem;font-weight:700;font-family:monospace}
code,.path{font-family:ui-monospace,monospace} .path{font-weight:600}
table{border-collapse:collapse;margin:.4rem 0} td,th{border:1px solid #eee;padding:.2rem .5rem;
text-align:left;vertical-align:top} .muted{color:#666} ul.schema{margin:.2rem 0}
"""


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type_of(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    if "anyOf" in schema:
        return " | ".join(_type_of(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"array of {_type_of(schema.get('items', {}))}"
    if "enum" in schema:
        return " | ".join(repr(v) for v in schema["enum"])
    return str(schema.get("type", "any"))


def _schema_html(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> str:
    """Properties as a nested list, following $refs a few levels deep."""
    if "$ref" in schema:
        schema = components.get(_ref_name(schema["$ref"]), {})
    properties = schema.get("properties", {})
    if not properties or depth > 3:
        return f"<code>{escape(_type_of(schema))}</code>"
    required = set(schema.get("required", []))
    items = []
    for name, prop in properties.items():
        note = "" if name in required else " <span class=muted>(optional)</span>"
        about = f" – {escape(prop['description'])}" if prop.get("description") else ""
        nested = ""
        target = prop.get("items", prop) if prop.get("type") == "array" else prop
        if "$ref" in target and depth < 3:
            nested = _schema_html(target, components, depth + 1)
        items.append(
            f"<li><code>{escape(name)}</code>: <code>{escape(_type_of(prop))}</code>"
            f"{note}{about}{nested if nested.startswith('<ul') else ''}</li>"
        )
    return f"<ul class=schema>{''.join(items)}</ul>"


def _response_html(status: str, response: dict[str, Any], components: dict) -> str:
    """A success shows its body's fields; errors all share the envelope described above."""
    text = f"<code>{escape(status)}</code> {escape(response.get('description', ''))}"
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    if status.startswith("2") and schema:
        text += _schema_html(schema, components)
    return f"<li>{text}</li>"


def _operation_html(method: str, path: str, op: dict[str, Any], components: dict) -> str:
    parts = [
        f"<div class=op><span class=m>{method.upper()}</span><span class=path>{escape(path)}</span>"
    ]
    if op.get("summary"):
        parts.append(f"<p><b>{escape(op['summary'])}</b></p>")
    if op.get("description"):
        parts.append(f"<p>{escape(op['description'])}</p>")
    if "security" in op:
        scope = op.get("x-required-scope")
        needs = f"scope <code>{escape(scope)}</code>" if scope else "any valid credential"
        if {} in op["security"]:  # a public form too: the description says which needs auth
            needs += ", for some requests only (see above)"
        parts.append(f"<p>Auth: <code>X-API-Key</code>, Bearer token or session; {needs}.</p>")
    params = op.get("parameters", [])
    if params:
        rows = "".join(
            f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
            f"<td>{escape(_type_of(p.get('schema', {})))}</td>"
            f"<td>{'yes' if p.get('required') else 'no'}</td>"
            f"<td>{escape(p.get('description', ''))}</td></tr>"
            for p in params
        )
        parts.append(
            "<table><tr><th>parameter</th><th>in</th><th>type</th><th>required</th>"
            f"<th>about</th></tr>{rows}</table>"
        )
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    if body:
        parts.append(f"<p>Body (JSON):</p>{_schema_html(body.get('schema', {}), components)}")
    responses = "".join(
        _response_html(status, response, components)
        for status, response in sorted(op.get("responses", {}).items())
    )
    parts.append(f"<p>Responses:</p><ul>{responses}</ul></div>")
    return "".join(parts)


def render_docs_page(document: dict[str, Any], openapi_url: str) -> str:
    info = document.get("info", {})
    components = document.get("components", {}).get("schemas", {})
    operations = [
        _operation_html(method, path, op, components)
        for path, methods in document.get("paths", {}).items()
        for method, op in methods.items()
    ]
    title = escape(info.get("title", "API"))
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
        f"<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<style>{STYLE}</style></head><body><h1>{title}</h1>"
        f"<p class=muted>{escape(info.get('description', ''))} · version "
        f"{escape(str(info.get('version', '')))} · machine-readable: "
        f"<a href='{escape(openapi_url)}'>OpenAPI 3.1</a> · all APIs: "
        f"<a href='/.well-known/api-catalog'>api-catalog</a></p>"
        '<p>Errors always come as <code>{"error": {"code", "message", "status", '
        '"details", "next_step"?}}</code>. Lists take <code>?page=&amp;page_size=</code> '
        "(at most 100). Every response carries <code>RateLimit-*</code> headers.</p>"
        f"<h2>Operations</h2>{''.join(operations) or '<p>None yet.</p>'}</body></html>"
    )


def docs_endpoint(document: dict[str, Any], *, openapi_url: str):
    """A route function serving the page, rendered once when the app is built."""
    page = render_docs_page(document, openapi_url)

    def serve_docs() -> HTMLResponse:
        return HTMLResponse(page)

    return serve_docs
