"""Everything spatial: geocoding and every PostGIS query (the only place with ST_* SQL).

All distances are great-circle on PostGIS `geography` (sphere), in metres inside SQL and in
kilometres in the API; ranking uses the geography `<->` operator, never geometry (degrees).
"""
