"""The retailer's six-step onboarding wizard at /onboarding: one module per step."""
