"""/maps/coverage/: the coverage choropleth with the same numbers in a table."""

import folium
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language

from config.api import ApiError
from geo.levels import level_choices
from geo.selectors import area_levels

from . import selectors
from .assets import make_map, render_parts
from .coverage import (
    DEFAULT_METRIC,
    METRICS,
    bounds,
    choropleth_layer,
    format_value,
    legend,
)
from .params import coverage_params


def coverage_page(request):
    try:
        campaign, level = coverage_params(request.GET)
    except ApiError as exc:
        raise Http404(str(exc.detail)) from exc
    metric = request.GET.get("metric") or DEFAULT_METRIC
    if metric not in METRICS:
        metric = DEFAULT_METRIC
    rows = selectors.area_metrics(campaign=campaign, level=level)
    outlines = selectors.area_outlines_geojson(level=level, campaign=campaign)
    fmap = make_map()
    classes = None
    if rows:
        layer, classes = choropleth_layer(rows, outlines, metric=metric)
        layer.add_to(fmap)
        box = bounds(outlines.values())
        if box:
            fmap.fit_bounds(box)
        folium.LayerControl(collapsed=True).add_to(fmap)
    query = urlencode({"campaign": campaign.slug, "level": level})
    lang = get_language() or "vi"
    context = {
        "map": render_parts(fmap),
        "campaign": campaign,
        "campaigns": selectors.campaign_choices(),
        "level": level,
        "levels": level_choices(area_levels()),
        "metric": metric,
        "metrics": [(key, str(label)) for key, label in METRICS.items()],
        "metric_label": METRICS[metric],
        "legend": legend(classes, metric) if classes else [],
        "table": [
            {
                "name": row.name,
                "code": row.code,
                "cells": [
                    (
                        key,
                        _sort_value(getattr(row, key)),
                        format_value(getattr(row, key), key),
                    )
                    for key in METRICS
                ],
            }
            for row in rows
        ],
        "any_approximate": any(row.approximate for row in rows),
        "api_url": reverse("api:coverage-api:coverage") + "?" + query,
        # The page's language named in the links (an export follows
        # Accept-Language otherwise, which the pages ignore).
        "exports": [
            (
                fmt,
                reverse("exports:export", args=["coverage", fmt])
                + "?"
                + urlencode({"campaign": campaign.slug, "level": level, "lang": lang}),
            )
            for fmt in ("csv", "xlsx", "geojson", "gpkg", "kml")
        ],
    }
    return render(request, "maps/coverage.html", context)


def _sort_value(value) -> str:
    # The table sorts on this (a plain number); "no value" sorts first.
    return "" if value is None else str(value)
