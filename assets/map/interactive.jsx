// Interactive map pieces for the retailer's wizard: a pin the person can drag to the store's
// door, and a helper that frames a set of points. Leaflet's default Marker icon 404s under
// Vite, so the pin is a divIcon drawn with CSS.
import { useEffect, useMemo, useRef } from "react";
import { Marker, Tooltip, useMap } from "react-leaflet";
import { divIcon, latLngBounds } from "leaflet";

const PIN_ICON = divIcon({
  className: "closient-drag-pin",
  html:
    '<span style="display:block;width:28px;height:28px;border-radius:50% 50% 50% 0;' +
    "background:#0d9488;border:3px solid #fff;box-shadow:0 2px 6px rgba(0,0,0,.45);" +
    'transform:rotate(-45deg);cursor:grab"></span>',
  iconSize: [28, 28],
  iconAnchor: [14, 32],
});

export function DraggablePin({ position, label, onMoved, draggable = true }) {
  const marker = useRef(null);
  const map = useMap();
  const [lat, lng] = position;
  // Keep the pin in view when it is moved from outside (another store selected, a save).
  useEffect(() => {
    if (!map.getBounds().contains([lat, lng])) map.setView([lat, lng], map.getZoom());
  }, [map, lat, lng]);
  const handlers = useMemo(
    () => ({
      dragend() {
        const m = marker.current;
        if (m && onMoved) {
          const p = m.getLatLng();
          onMoved(p.lat, p.lng);
        }
      },
    }),
    [onMoved],
  );
  return (
    <Marker
      position={[lat, lng]}
      draggable={draggable}
      autoPan={true}
      keyboard={true}
      icon={PIN_ICON}
      title={label}
      alt={label}
      eventHandlers={handlers}
      ref={marker}
    >
      <Tooltip direction="top" offset={[0, -32]} permanent={true}>
        {label}
      </Tooltip>
    </Marker>
  );
}

export function FitToPoints({ points, maxZoom }) {
  const map = useMap();
  const key = JSON.stringify(points || []);
  useEffect(() => {
    const list = JSON.parse(key);
    if (list.length === 1) map.setView(list[0], Math.min(maxZoom || 14, 14));
    if (list.length > 1) map.fitBounds(latLngBounds(list), { padding: [40, 40], maxZoom: maxZoom || 14 });
  }, [map, key, maxZoom]);
  return null;
}
