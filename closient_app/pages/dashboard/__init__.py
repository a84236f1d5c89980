"""The retailer's dashboard pages: offers, locations, integrations, API keys."""
