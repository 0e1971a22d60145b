"""Map pages: the public hotspot map, the IOC heatmap, a team's coverage for the jury.

Views read through maps.selectors and draw with maps.markers and maps.layers;
every user string that reaches a tooltip goes through maps.layers.popup_html.
"""

import folium
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.access import HEATMAP_ROLES, roles_required
from events.models import EventStatus
from maps import selectors as data
from maps.assets import make_map, render_parts
from maps.charts import campaign_periods
from maps.layers import (
    EventShape,
    area_layer,
    event_layer,
    heat_layer,
    hotspot_layer,
    shape_bounds,
)
from maps.markers import STATUS, hotspot_markers
from maps.params import chosen_campaign
from maps.public_map import public_map_context

# --- the public map ------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def public_map(request):
    """Show the public hotspots on a map with filters and a legend."""
    return render(request, "maps/public.html", public_map_context(request.GET))


# --- the IOC heatmap ------------------------------------------------------------

HEAT_SOURCE_LABELS = {
    "hotspots": gettext_lazy("Điểm nóng (khối lượng ước tính)"),
    "cleanups": gettext_lazy("Thu gom (khối lượng đã xác nhận)"),
}
UNIT_LABELS = {"day": gettext_lazy("Theo ngày"), "week": gettext_lazy("Theo tuần")}


def _choice(request, name: str, allowed, default: str) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else default


@require_http_methods(["GET", "HEAD"])
@roles_required(*HEATMAP_ROLES)
def heatmap(request):
    """Show where pollution (or cleanup) concentrates, per day or week of a campaign."""
    campaigns = data.campaign_choices()
    campaign = chosen_campaign(request.GET, campaigns)
    source = _choice(request, "source", data.HEAT_SOURCES, "hotspots")
    unit = _choice(request, "unit", UNIT_LABELS, "day")
    periods = (
        campaign_periods(campaign.activity_start, campaign.activity_end, unit)
        if campaign
        else []
    )
    period_value = request.GET.get("period", "")
    period = next((p for p in periods if p.value == period_value), None)
    heat = data.heat(
        source=source,
        start=period.start if period else None,
        end=period.end if period else None,
    )
    fmap = make_map()
    if heat.points:
        heat_layer(heat.points, name=str(HEAT_SOURCE_LABELS[source])).add_to(fmap)
        bounds = shape_bounds((lon, lat) for lon, lat, _kg in heat.points)
        fmap.fit_bounds(bounds, max_zoom=14, padding=(20, 20))
    context = {
        "map": render_parts(fmap),
        "campaigns": campaigns,
        "campaign": campaign,
        "sources": list(HEAT_SOURCE_LABELS.items()),
        "source": source,
        "units": list(UNIT_LABELS.items()),
        "unit": unit,
        "periods": periods,
        "period": period,
        "heat": heat,
        "sent": len(heat.points),
        # ~111 km per degree of latitude: the cell's side in metres, for people.
        "cell_m": round(heat.cell_deg * 111_320) if heat.cell_deg else None,
        "limit": settings.HEATMAP_POINT_LIMIT,
    }
    return render(request, "maps/heatmap.html", context)


# --- a team's coverage, for the jury ----------------------------------------------


def _event_lines(event: data.EntrantEvent) -> tuple[str, ...]:
    statuses = dict(EventStatus.choices)
    day = formats.date_format(timezone.localtime(event.started_at), "SHORT_DATE_FORMAT")
    lines = [event.title, day + " · " + str(statuses.get(event.status, ""))]
    if event.verified_kg is not None:
        lines.append(_("%(kg)s kg đã xác nhận") % {"kg": event.verified_kg})
    lines.append(_("%(n)s người tham gia") % {"n": event.participants})
    return tuple(lines)


@require_http_methods(["GET", "HEAD"])
def entrant_map(request, pk: int):
    """Show an entrant's events, routes, claimed hotspots and covered areas."""
    entrant = data.entrant_get(pk)
    if entrant is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not data.can_view_entrant_map(request.user, entrant):
        raise PermissionDenied
    coverage = data.entrant_coverage(entrant)
    shapes = [
        EventShape(
            lon=event.lon,
            lat=event.lat,
            outline=event.outline,
            route=event.route,
            lines=_event_lines(event),
        )
        for event in coverage.events
    ]
    claimed = hotspot_markers(coverage.hotspots, lines=(STATUS,))
    fmap = make_map()
    if coverage.areas:
        area_layer(coverage.areas).add_to(fmap)
    if claimed:
        hotspot_layer(claimed).add_to(fmap)
    event_layer(shapes).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    points = [(s.lon, s.lat) for s in shapes] + [(m.lon, m.lat) for m in claimed]
    bounds = shape_bounds(points)
    if bounds:
        fmap.fit_bounds(bounds, max_zoom=15, padding=(20, 20))
    context = {
        "entrant": entrant,
        "coverage": coverage,
        "map": render_parts(fmap),
        "area_count": len(coverage.areas),
        "hotspot_count": len(claimed),
        "any_approximate": any(area.approximate for area in coverage.areas),
    }
    return render(request, "maps/entrant.html", context)
