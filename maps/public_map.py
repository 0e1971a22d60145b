"""The public hotspot map's content, shared by /maps/ and /embed/map/.

The filter is hotspots.filters.PublicMapFilter (an invalid value is ignored,
never a 500); maps.selectors reads, maps.markers and maps.layers draw.
"""

from hotspots.models import PUBLIC_STATUSES, Category, Status

from . import selectors
from .assets import make_map, render_parts
from .layers import STATUS_DASH, category_colour, marker_bounds, public_hotspot_layer
from .markers import DESCRIPTION, PRIORITY, REPORTED_ON, SIZE_STATUS, hotspot_markers

# Markers are clustered above this many (Leaflet draws each circle as an SVG
# path); at most PUBLIC_MARKER_CAP are sent, highest score first, and the page
# says so (ENGINEERING-NOTES: never more than a few thousand raw points).
PUBLIC_CLUSTER_FROM = 150
PUBLIC_MARKER_CAP = 1000
TOOLTIP = (SIZE_STATUS, REPORTED_ON, PRIORITY, DESCRIPTION)


def legend() -> dict:
    statuses = dict(Status.choices)
    return {
        "categories": [(label, category_colour(v)) for v, label in Category.choices],
        "statuses": [
            (str(statuses[s]), "status-" + s, STATUS_DASH.get(s) or "")
            for s in PUBLIC_STATUSES
        ],
    }


def public_map_context(query) -> dict:
    """Return what /maps/ and /embed/map/ show for the request's GET filters."""
    filters = selectors.public_map_filter(query)
    found = selectors.public_hotspots(filters, limit=PUBLIC_MARKER_CAP)
    markers = hotspot_markers(found.rows, lines=TOOLTIP)
    clustered = len(markers) > PUBLIC_CLUSTER_FROM
    fmap = make_map()
    public_hotspot_layer(markers, cluster=clustered).add_to(fmap)
    bounds = marker_bounds(markers)
    if bounds:
        fmap.fit_bounds(bounds, max_zoom=15, padding=(20, 20))
    return {
        "form": filters.form,
        "filtered": bool(filters.active()),
        "map": render_parts(fmap),
        "total": found.total,
        "shown": len(markers),
        "capped": found.total > len(markers),
        "clustered": clustered,
        "legend": legend(),
        "any_approximate": selectors.any_approximate_area(),
    }
