"""The landing page: what the product does, and the way in."""

import reflex as rx

from closient_app.components.forms import link_button
from closient_app.components.layout import page_shell
from closient_app.pages import routes

STEPS = [
    ("Connect your POS", "Shopify today, in one approval. Square, Clover and Lightspeed next."),
    ("Sync your stock", "Every product and per-store quantity, kept fresh automatically."),
    ("Pin your stores", "Confirm each store on the map so shoppers nearby find it."),
    ("Get found", "See your store come up in a local search before you leave the page."),
]


def _step_card(index: int, title: str, text: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.badge(f"Step {index}", variant="soft"),
            rx.heading(title, size="4"),
            rx.text(text, color_scheme="gray"),
            spacing="2",
        ),
        width="100%",
    )


def home() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.heading("From signed up to found in local search", size="8", id="hero-title"),
            rx.text(
                "Closient connects your point-of-sale, keeps your in-store inventory fresh, and "
                "puts every one of your stores on the map for shoppers and their AI agents.",
                size="4",
                color_scheme="gray",
            ),
            rx.hstack(
                link_button("Get your store found", href=routes.SIGNUP, size="3", id="cta-signup"),
                link_button("Log in", href=routes.LOGIN, size="3", variant="soft"),
                spacing="3",
                wrap="wrap",
            ),
            rx.grid(
                *[_step_card(i + 1, title, text) for i, (title, text) in enumerate(STEPS)],
                columns=rx.breakpoints(initial="1", sm="2", lg="4"),
                spacing="4",
                width="100%",
            ),
            spacing="5",
            padding_y="2em",
        )
    )
