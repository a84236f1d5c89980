"""A Leaflet map (react-leaflet 5 + leaflet 1.9) that works offline.

Every piece is an `rx.NoSSRComponent`: Leaflet touches `window` on import and prod prerenders
pages. Markers are `CircleMarker`s (the default Marker icon 404s under Vite). The basemap is
`assets/map/offline_basemap.jsx`, which draws TopoJSON from the npm packages world-atlas and
us-atlas (installed through `lib_dependencies`, pinned in reflex.lock), so the map needs no
tile server; `MAP_TILE_URL` adds raster tiles on top where one is reachable.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import passthrough_event_spec
from reflex.vars.base import Var

REACT_LEAFLET = "react-leaflet@5.0.0"
LEAFLET = "leaflet@1.9.4"
BASEMAP_PACKAGES = ["world-atlas@2.0.2", "us-atlas@3.0.1", "topojson-client@3.1.0"]


class _Leaflet(rx.NoSSRComponent):
    library = REACT_LEAFLET
    lib_dependencies: list[str] = [LEAFLET]


class MapContainer(_Leaflet):
    tag = "MapContainer"
    center: Var[list[float]]
    zoom: Var[int]
    scroll_wheel_zoom: Var[bool]
    zoom_control: Var[bool]

    def add_imports(self) -> dict[str, str]:
        return {"": "leaflet/dist/leaflet.css"}


class TileLayer(_Leaflet):
    tag = "TileLayer"
    url: Var[str]
    attribution: Var[str]


class CircleMarker(_Leaflet):
    tag = "CircleMarker"
    center: Var[list[float]]
    radius: Var[int]
    path_options: Var[dict]


class Circle(_Leaflet):
    """A circle in metres on the ground: how approximate a geocoded pin is."""

    tag = "Circle"
    center: Var[list[float]]
    radius: Var[float | int]
    path_options: Var[dict]


class Tooltip(_Leaflet):
    tag = "Tooltip"
    permanent: Var[bool]
    direction: Var[str]
    offset: Var[list[int]]


class ScaleControl(_Leaflet):
    tag = "ScaleControl"
    imperial: Var[bool]
    metric: Var[bool]


class OfflineBasemap(rx.NoSSRComponent):
    library = "$/public/map/offline_basemap.jsx"
    tag = "OfflineBasemap"
    lib_dependencies: list[str] = [REACT_LEAFLET, LEAFLET, *BASEMAP_PACKAGES]


PIN_STYLE = {"color": "#0d7d72", "fillColor": "#12a594", "fillOpacity": 0.9, "weight": 3}
AREA_STYLE = {"color": "#12a594", "fillOpacity": 0.08, "weight": 1, "dashArray": "4 4"}


def store_map(
    *,
    latitude: Var[float],
    longitude: Var[float],
    label: Var[str],
    accuracy_m: Var[int],
    tile_url: str = "",
    tile_attribution: str = "",
    zoom: int = 11,
) -> rx.Component:
    """The store's pin (with its uncertainty circle when geocoded) on the offline basemap."""
    center = Var.create([latitude, longitude])
    layers = [OfflineBasemap.create()]
    if tile_url:
        layers.append(TileLayer.create(url=tile_url, attribution=tile_attribution))
    return MapContainer.create(
        *layers,
        rx.cond(
            accuracy_m > 0,
            Circle.create(center=center, radius=accuracy_m, path_options=AREA_STYLE),
        ),
        CircleMarker.create(
            Tooltip.create(label, permanent=True, direction="top", offset=[0, -10]),
            center=center,
            radius=9,
            path_options=PIN_STYLE,
        ),
        ScaleControl.create(imperial=True, metric=True),
        center=center,
        zoom=zoom,
        scroll_wheel_zoom=False,
        id="store-map",
        style={"height": "100%", "width": "100%", "background": "#d7e7ef"},
    )


# --- The retailer's wizard (pages/onboarding): a draggable pin and a map of search results. ---

INTERACTIVE = "$/public/map/interactive.jsx"
OWN_STORE_STYLE = {"color": "#0b5f57", "fillColor": "#0d9488", "fillOpacity": 1, "weight": 4}
OTHER_STORE_STYLE = {"color": "#6e56cf", "fillColor": "#8e7cf0", "fillOpacity": 0.8, "weight": 2}


class DraggablePin(rx.NoSSRComponent):
    """A pin the person drags to the store's door; `on_moved(lat, lng)` fires on release."""

    library = INTERACTIVE
    tag = "DraggablePin"
    lib_dependencies: list[str] = [REACT_LEAFLET, LEAFLET]
    position: Var[list[float]]
    label: Var[str]
    draggable: Var[bool]  # False for people who may look but not change the pin
    on_moved: rx.EventHandler[passthrough_event_spec(float, float)]


class FitToPoints(rx.NoSSRComponent):
    """Frames every point in view whenever the set of points changes."""

    library = INTERACTIVE
    tag = "FitToPoints"
    lib_dependencies: list[str] = [REACT_LEAFLET, LEAFLET]
    points: Var[list[list[float]]]
    max_zoom: Var[int]


def _base_layers(tile_url: str, tile_attribution: str) -> list[rx.Component]:
    layers = [OfflineBasemap.create()]
    if tile_url:
        layers.append(TileLayer.create(url=tile_url, attribution=tile_attribution))
    return layers


def pin_editor_map(
    *,
    latitude: Var[float],
    longitude: Var[float],
    label: Var[str],
    accuracy_m: Var[int],
    on_moved: rx.EventHandler,
    draggable: Var[bool] | bool = True,
    tile_url: str = "",
    tile_attribution: str = "",
    map_id: str = "pin-editor-map",
) -> rx.Component:
    """The store's draggable pin with its uncertainty circle, zoomed in to street level."""
    center = Var.create([latitude, longitude])
    return MapContainer.create(
        *_base_layers(tile_url, tile_attribution),
        rx.cond(
            accuracy_m > 0,
            Circle.create(center=center, radius=accuracy_m, path_options=AREA_STYLE),
        ),
        DraggablePin.create(position=center, label=label, draggable=draggable, on_moved=on_moved),
        ScaleControl.create(imperial=True, metric=True),
        center=center,
        zoom=14,
        scroll_wheel_zoom=False,
        id=map_id,
        style={"height": "100%", "width": "100%", "background": "#d7e7ef"},
    )


def search_results_map(
    *,
    latitude: Var[float],
    longitude: Var[float],
    label: Var[str],
    stores: Var[list],
    points: Var[list[list[float]]],
    tile_url: str = "",
    tile_attribution: str = "",
) -> rx.Component:
    """Centred on the retailer's store (highlighted) among the other stores in the results.

    `stores` items have `latitude`, `longitude`, `name`, `is_own`; `points` frames the view.
    """
    center = Var.create([latitude, longitude])

    def other_store(store) -> rx.Component:
        return rx.cond(
            store.is_own,
            rx.fragment(),
            CircleMarker.create(
                Tooltip.create(store.name, direction="top"),
                center=Var.create([store.latitude, store.longitude]),
                radius=7,
                path_options=OTHER_STORE_STYLE,
            ),
        )

    return MapContainer.create(
        *_base_layers(tile_url, tile_attribution),
        rx.foreach(stores, other_store),
        CircleMarker.create(
            Tooltip.create(label, permanent=True, direction="top", offset=[0, -12]),
            center=center,
            radius=12,
            path_options=OWN_STORE_STYLE,
        ),
        FitToPoints.create(points=points, max_zoom=14),
        ScaleControl.create(imperial=True, metric=True),
        center=center,
        zoom=13,
        scroll_wheel_zoom=False,
        id="search-preview-map",
        style={"height": "100%", "width": "100%", "background": "#d7e7ef"},
    )
