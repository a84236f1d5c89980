// The offline basemap: land, country borders, US state and county lines, drawn by Leaflet
// from TopoJSON that ships in the npm packages world-atlas (Natural Earth 1:50m) and us-atlas
// (US Census 1:10m). No tile server is needed; with MAP_TILE_URL set, tiles draw on top.
import { GeoJSON, Pane } from "react-leaflet";
import { feature, mesh } from "topojson-client";
import world from "world-atlas/countries-50m.json";
import us from "us-atlas/counties-10m.json";

// Decoded once per page load, not per render.
const LAND = feature(world, world.objects.land);
const COUNTRY_LINES = mesh(world, world.objects.countries, (a, b) => a !== b);
const STATE_LINES = mesh(us, us.objects.states, (a, b) => a !== b);
const COUNTY_LINES = mesh(us, us.objects.counties, (a, b) => a !== b && (a.id / 1000 | 0) === (b.id / 1000 | 0));

const ATTRIBUTION = "Natural Earth; US Census Bureau";

const STYLES = {
  land: { stroke: false, fillColor: "#eef2ea", fillOpacity: 1 },
  county: { color: "#c9d3c4", weight: 0.6, fill: false },
  state: { color: "#9fb0a0", weight: 1.2, dashArray: "5 4", fill: false },
  country: { color: "#7d8f80", weight: 1.6, fill: false },
};

export function OfflineBasemap() {
  return (
    <Pane name="offline-basemap" style={{ zIndex: 150 }}>
      <GeoJSON data={LAND} style={STYLES.land} interactive={false} attribution={ATTRIBUTION} />
      <GeoJSON data={COUNTY_LINES} style={STYLES.county} interactive={false} />
      <GeoJSON data={STATE_LINES} style={STYLES.state} interactive={false} />
      <GeoJSON data={COUNTRY_LINES} style={STYLES.country} interactive={false} />
    </Pane>
  );
}
