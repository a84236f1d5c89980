"""Reflex configuration. Secrets never go here: they come from the environment (see config.py)."""

import os

import reflex as rx

config = rx.Config(
    app_name="closient_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=int(os.environ.get("PORT", "3000")),
    backend_port=int(os.environ.get("PORT", "3000")),
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.TailwindV4Plugin(),
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="teal", radius="medium")),
    ],
)
