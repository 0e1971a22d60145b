"""Map pages: the public hotspot map, the IOC heatmap, a team's coverage for the jury.

Views read through maps.selectors and draw with maps.layers; every user
string that reaches a tooltip goes through maps.layers.popup_html.
"""

import json
from collections.abc import Callable
from functools import wraps

import folium
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import Role, has_role
from events.campaigns.selectors import current_campaign
from events.models import Campaign, EventStatus
from hotspots.models import PUBLIC_STATUSES, Category, Status
from maps import selectors as data
from maps.assets import make_map, render_parts
from maps.layers import (
    STATUS_DASH,
    EventShape,
    HotspotMarker,
    PublicHotspotMarker,
    area_layer,
    category_colour,
    event_layer,
    heat_layer,
    hotspot_layer,
    marker_bounds,
    public_hotspot_layer,
    shape_bounds,
)

# Markers are clustered above this many (Leaflet draws each circle as an SVG
# path); at most PUBLIC_MARKER_CAP are sent, highest score first, and the page
# says so (ENGINEERING-NOTES: never more than a few thousand raw points).
PUBLIC_CLUSTER_FROM = 150
PUBLIC_MARKER_CAP = 1000
HEATMAP_ROLES = (Role.IOC, Role.ORGANISER)


def roles_required(*roles: str) -> Callable:
    """Send anonymous people to log in; refuse users holding none of the roles."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(has_role(request.user, role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# --- the public map ------------------------------------------------------------


def _size(point: data.PublicPoint) -> str:
    if (get_language() or "").startswith("en") and point.size_label_en:
        return point.size_label_en
    return point.size_label


def _public_markers(points: list[data.PublicPoint]) -> list[PublicHotspotMarker]:
    categories = dict(Category.choices)
    statuses = dict(Status.choices)
    markers = []
    for point in points:
        day = formats.date_format(
            timezone.localtime(point.created_at), "SHORT_DATE_FORMAT"
        )
        lines = [
            "#" + str(point.id) + " · " + str(categories[point.category]),
            _size(point) + " · " + str(statuses[point.status]),
            _("Báo cáo ngày %(day)s") % {"day": day},
        ]
        if point.priority:
            lines.append(_("Ưu tiên"))
        if point.description:
            lines.append(Truncator(point.description).chars(80))
        markers.append(
            PublicHotspotMarker(
                lon=point.lon,
                lat=point.lat,
                category=point.category,
                score=point.score,
                priority=point.priority,
                lines=tuple(lines),
                status=point.status,
                thumbnail_url=(
                    default_storage.url(point.thumbnail) if point.thumbnail else ""
                ),
                thumbnail_alt=_("Ảnh điểm nóng #%(id)s") % {"id": point.id},
            )
        )
    return markers


def _legend() -> dict:
    statuses = dict(Status.choices)
    return {
        "categories": [(label, category_colour(v)) for v, label in Category.choices],
        "statuses": [
            (str(statuses[s]), "status-" + s, STATUS_DASH.get(s) or "")
            for s in PUBLIC_STATUSES
        ],
    }


def public_map_context(request) -> dict:
    """Return what /maps/ and /embed/map/ show for the request's filters."""
    filters = data.public_map_filter(request.GET)
    queryset = filters.qs
    total = queryset.count()
    markers = _public_markers(data.public_points(queryset, limit=PUBLIC_MARKER_CAP))
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
        "total": total,
        "shown": len(markers),
        "capped": total > len(markers),
        "clustered": clustered,
        "legend": _legend(),
        "any_approximate": data.any_approximate_area(),
    }


@require_http_methods(["GET", "HEAD"])
def public_map(request):
    """Show the public hotspots on a map with filters and a legend."""
    return render(request, "maps/public.html", public_map_context(request))


# --- the IOC heatmap ------------------------------------------------------------

HEAT_SOURCE_LABELS = {
    "hotspots": gettext_lazy("Điểm nóng (khối lượng ước tính)"),
    "cleanups": gettext_lazy("Thu gom (khối lượng đã xác nhận)"),
}
UNIT_LABELS = {"day": gettext_lazy("Theo ngày"), "week": gettext_lazy("Theo tuần")}


def _chosen_campaign(request, campaigns: list[Campaign]) -> Campaign | None:
    slug = request.GET.get("campaign", "")
    for campaign in campaigns:
        if campaign.slug == slug:
            return campaign
    current = current_campaign()
    return current or (campaigns[0] if campaigns else None)


def _choice(request, name: str, allowed, default: str) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else default


@require_http_methods(["GET", "HEAD"])
@roles_required(*HEATMAP_ROLES)
def heatmap(request):
    """Show where pollution (or cleanup) concentrates, per day or week of a campaign."""
    campaigns = data.campaign_choices()
    campaign = _chosen_campaign(request, campaigns)
    source = _choice(request, "source", data.HEAT_SOURCES, "hotspots")
    unit = _choice(request, "unit", UNIT_LABELS, "day")
    periods = data.campaign_periods(campaign, unit) if campaign else []
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
            outline=_geojson(event.outline),
            route=_geojson(event.route),
            lines=_event_lines(event),
        )
        for event in coverage.events
    ]
    categories = dict(Category.choices)
    statuses = dict(Status.choices)
    claimed = [
        HotspotMarker(
            lon=row["lon"],
            lat=row["lat"],
            category=row["category"],
            score=0,
            lines=(
                "#" + str(row["id"]) + " · " + str(categories[row["category"]]),
                str(statuses[row["status"]]),
            ),
        )
        for row in coverage.hotspots
    ]
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


def _geojson(geometry) -> dict | None:
    return json.loads(geometry.json) if geometry is not None else None
