from closient_app.pages import routes


def test_every_route_is_unique_and_absolute() -> None:
    assert len(set(routes.ALL_ROUTES)) == len(routes.ALL_ROUTES)
    assert all(route.startswith("/") for route in routes.ALL_ROUTES)


def test_navigation_only_links_to_known_routes() -> None:
    assert {route for _, route in routes.APP_NAVIGATION} <= set(routes.ALL_ROUTES)


def test_after_login_only_local_paths_are_followed() -> None:
    assert routes.safe_next("/dashboard/offers") == "/dashboard/offers"
    assert routes.safe_next("/onboarding?step=5") == "/onboarding?step=5"
    for hostile in ("https://evil.example", "//evil.example", "/\\evil.example", "", None):
        assert routes.safe_next(hostile) == routes.ONBOARDING


def test_builders() -> None:
    assert routes.login_then("/onboarding?step=2") == "/login?next=%2Fonboarding%3Fstep%3D2"
    assert routes.onboarding_step(4) == "/onboarding?step=4"
    assert routes.marketplace_location("o1", "l1") == "/marketplace/o1/locations/l1"
