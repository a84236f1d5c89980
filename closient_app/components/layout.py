"""The frame around every page: header, content column, and the hydration marker tests wait for.

`page_shell` frames public pages (home, log in, sign up, store pages); `app_shell` frames the
signed-in retailer's pages with the organization switcher, the account menu and the navigation.
"""

import reflex as rx

from closient_app.components.forms import link_button
from closient_app.pages import routes
from closient_app.state.session import SessionState

CONTENT_WIDTH = "1120px"


def hydration_marker() -> rx.Component:
    # Prod pages are prerendered; browser tests wait for this to read "ready" before clicking.
    return rx.el.span(
        rx.cond(rx.State.is_hydrated, "ready", "loading"),
        id="hydrated",
        style={"display": "none"},
    )


def logo() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.center(
                rx.icon("map-pin", size=18, color="white"),
                width="30px",
                height="30px",
                border_radius="8px",
                background=rx.color("teal", 9),
            ),
            rx.heading("Closient", size="5", weight="bold"),
            align="center",
            spacing="2",
        ),
        href=routes.HOME,
        underline="none",
        color=rx.color("gray", 12),
        aria_label="Closient home",
    )


def _public_actions() -> rx.Component:
    return rx.hstack(
        link_button("Log in", href=routes.LOGIN, variant="ghost"),
        link_button("Sign up", href=routes.SIGNUP),
        spacing="3",
        align="center",
    )


def header() -> rx.Component:
    return rx.hstack(
        logo(),
        _public_actions(),
        justify="between",
        align="center",
        width="100%",
        padding_y="1em",
    )


def page_shell(*children: rx.Component) -> rx.Component:
    return rx.container(
        header(),
        rx.el.main(*children),
        hydration_marker(),
        size="4",
    )


def organization_switcher() -> rx.Component:
    """Shown to everyone with an organization; a person in several can switch here."""
    return rx.cond(
        SessionState.organizations.length() > 1,
        rx.select.root(
            rx.select.trigger(aria_label="Organization", id="organization-switcher"),
            rx.select.content(
                rx.foreach(
                    SessionState.organizations,
                    lambda org: rx.select.item(org.name, value=org.id),
                )
            ),
            value=SessionState.active_organization_id,
            on_change=SessionState.switch_organization,
            size="2",
        ),
        rx.text(SessionState.active_organization_name, weight="medium", id="organization-name"),
    )


def account_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("circle-user", size=18),
                rx.text(SessionState.user_email, display=["none", "none", "inline"]),
                variant="soft",
                color_scheme="gray",
                aria_label="Account menu",
                id="account-menu",
            )
        ),
        rx.menu.content(
            rx.box(
                rx.text(SessionState.user_email, size="2", weight="medium"),
                rx.text("Role: ", SessionState.role, size="1", color_scheme="gray"),
                padding="0.5em 0.75em",
            ),
            rx.menu.separator(),
            rx.menu.item(
                "Create another organization", on_select=rx.redirect(routes.CREATE_ORGANIZATION)
            ),
            rx.menu.item("Log out", on_select=SessionState.log_out, id="log-out", color="red"),
        ),
    )


def _nav_link(label: str, route: str, current: str) -> rx.Component:
    active = route == current
    return rx.link(
        label,
        href=route,
        underline="none",
        weight="medium",
        size="2",
        padding_x="0.75em",
        padding_y="0.5em",
        border_radius="6px",
        white_space="nowrap",
        color=rx.color("teal", 11) if active else rx.color("gray", 11),
        background=rx.color("teal", 3) if active else "transparent",
        aria_current="page" if active else None,
    )


def app_navigation(current: str) -> rx.Component:
    return rx.el.nav(
        rx.hstack(
            *[_nav_link(label, route, current) for label, route in routes.APP_NAVIGATION],
            spacing="1",
            overflow_x="auto",
            width="100%",
        ),
        aria_label="Main",
        width="100%",
        padding_bottom="0.5em",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def app_header(current: str) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            logo(),
            rx.hstack(
                organization_switcher(),
                account_menu(),
                spacing="3",
                align="center",
            ),
            justify="between",
            align="center",
            width="100%",
            wrap="wrap",
            gap="0.5em",
        ),
        app_navigation(current),
        width="100%",
        padding_top="1em",
        spacing="3",
    )


def loading_block(text: str = "Loading…") -> rx.Component:
    return rx.center(
        rx.hstack(rx.spinner(size="3"), rx.text(text, color_scheme="gray"), align="center"),
        padding_y="4em",
        width="100%",
    )


def app_shell(*children: rx.Component, current: str) -> rx.Component:
    """A signed-in page: nothing personal is drawn until the account has been resolved."""
    return rx.box(
        rx.box(
            app_header(current),
            rx.el.main(
                rx.cond(SessionState.account_loaded, rx.fragment(*children), loading_block()),
                padding_y="1.5em",
                width="100%",
            ),
            max_width=CONTENT_WIDTH,
            margin_x="auto",
            padding_x=["1em", "1em", "1.5em"],
        ),
        hydration_marker(),
        min_height="100vh",
        background=rx.color("gray", 1),
    )


def auth_card(title: str, subtitle: str, *children: rx.Component) -> rx.Component:
    """The narrow, centred card of the log-in, sign-up and create-organization pages."""
    return page_shell(
        rx.center(
            rx.card(
                rx.vstack(
                    rx.heading(title, size="7", id="page-title"),
                    rx.text(subtitle, color_scheme="gray"),
                    *children,
                    spacing="5",
                    width="100%",
                ),
                size="4",
                width="100%",
                max_width="440px",
            ),
            padding_y=["1em", "3em"],
            width="100%",
        )
    )


def auth_switch_link(question: str, link_text: str, *, href: str, id: str) -> rx.Component:
    """The line under a log-in or sign-up form that leads to the other one."""
    return rx.text(question, rx.link(link_text, href=href, id=id), size="2")


def dashboard_page(title: str, *children: rx.Component, current: str, intro: str = ""):
    """A dashboard page: its title, a line saying what it is for, then its content."""
    return app_shell(
        rx.vstack(
            rx.heading(title, size="8"),
            *([rx.text(intro, color_scheme="gray")] if intro else []),
            *children,
            spacing="4",
            width="100%",
        ),
        current=current,
    )
