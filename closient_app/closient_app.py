"""The Reflex app: pages for retailers, with the JSON API (FastAPI) mounted beside them."""

import reflex as rx

from closient_app.api.app import create_api
from closient_app.pages.home import home

app = rx.App(api_transformer=create_api())
app.add_page(home, route="/", title="Closient: get your store found in local search")
