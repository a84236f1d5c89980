"""The Reflex app: pages for retailers, with the JSON API (FastAPI) mounted beside them."""

import reflex as rx

from closient_app.agents.mount import mcp_sessions
from closient_app.api.app import create_api
from closient_app.jobs.scheduler import background_work
from closient_app.pages.home import home
from closient_app.pages.marketplace import ROUTE as STOREFRONT_ROUTE
from closient_app.pages.marketplace import storefront
from closient_app.pages.retailer import add_retailer_pages
from closient_app.state.marketplace import StorefrontState

app = rx.App(api_transformer=create_api())
# Periodic tasks (APScheduler) and the in-process worker live as long as the backend does.
app.register_lifespan_task(background_work)
# Reflex mounts the API, so the API's own lifespan never runs: start the MCP server here.
app.register_lifespan_task(mcp_sessions)
app.add_page(home, route="/", title="Closient: get your store found in local search")
add_retailer_pages(app)
app.add_page(
    storefront,
    route=STOREFRONT_ROUTE,
    title="A store near you on Closient",
    on_load=StorefrontState.load,
)
