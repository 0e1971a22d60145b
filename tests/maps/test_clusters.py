"""Getis-Ord Gi* on H3 cells: the FDR correction, the classes, planted patterns, the API."""

import h3
import numpy as np
import pytest
from django.urls import reverse

from maps import clusters

from .test_hexagons import make_event, make_hotspot

CENTRE = h3.latlng_to_cell(16.46, 107.59, 8)


def cluster_field(seed: int = 7) -> list[tuple[float, float, float]]:
    """Return 20 points in each of a tight group of 7 cells, amid 60 scattered points."""
    rng = np.random.default_rng(seed)
    points = []
    for cell in h3.grid_disk(CENTRE, 1):
        lat, lon = h3.cell_to_latlng(cell)
        points += [(lon, lat, 1.0)] * 20
    lons = rng.uniform(107.52, 107.66, 60)
    lats = rng.uniform(16.40, 16.52, 60)
    points += [(lon, lat, 1.0) for lon, lat in zip(lons, lats, strict=True)]
    return points


# --- Benjamini–Hochberg ------------------------------------------------------------


def test_bh_adjusts_known_p_values():
    p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205]
    expected = [0.008, 0.032, 0.0672, 0.0672, 0.0672, 0.08, 0.0845714, 0.205]
    assert clusters.bh_adjust(p) == pytest.approx(expected, abs=1e-6)


def test_bh_keeps_the_input_order_and_caps_at_one():
    assert clusters.bh_adjust([0.04, 0.01, 0.03, 0.005]) == pytest.approx(
        [0.04, 0.02, 0.04, 0.02]
    )
    assert clusters.bh_adjust([0.9, 0.8]).max() <= 1.0
    assert clusters.bh_adjust([0.6, 0.9, 0.95]) == pytest.approx([0.95, 0.95, 0.95])


@pytest.mark.parametrize(
    ("z", "p", "expected"),
    [
        (3.1, 0.004, "hot_99"),
        (2.2, 0.03, "hot_95"),
        (1.8, 0.08, "hot_90"),
        (-3.0, 0.01, "cold_99"),
        (-2.0, 0.05, "cold_95"),
        (-1.7, 0.1, "cold_90"),
        (2.5, 0.2, "ns"),
        (0.0, 0.001, "ns"),
        (float("nan"), 0.001, "ns"),
    ],
)
def test_classes_from_z_sign_and_adjusted_p(z, p, expected):
    assert clusters.classify(z, p) == expected


# --- planted patterns -------------------------------------------------------------


def test_planted_cluster_is_hot_after_fdr_and_nothing_far_away_is():
    result = clusters.gi_star(cluster_field(), resolution=8)
    by_cell = {c.cell: c for c in result.cells}
    assert CENTRE in by_cell and len(result.cells) > 100  # empty cells are included
    centre = by_cell[CENTRE]
    assert centre.cls in ("hot_99", "hot_95")
    assert centre.p_fdr <= 0.05 and centre.gi_z > 3
    hot = [c for c in result.cells if c.cls.startswith("hot")]
    assert len(hot) >= 7
    assert all(h3.grid_distance(CENTRE, c.cell) <= 2 for c in hot)
    assert all(c.p_fdr >= c.p_value for c in result.cells)


def test_results_are_reproducible_with_the_fixed_seed():
    first = clusters.gi_star(cluster_field(), resolution=8)
    second = clusters.gi_star(cluster_field(), resolution=8)
    assert [c.p_value for c in first.cells] == [c.p_value for c in second.cells]


def test_zero_field_has_no_significant_cells():
    zeros = [(lon, lat, 0.0) for lon, lat, _w in cluster_field()]
    result = clusters.gi_star(zeros, resolution=8)
    assert result.cells and result.significant == []


def test_spatially_random_field_has_no_significant_cells_after_fdr():
    rng = np.random.default_rng(11)
    points = [
        (lon, lat, 1.0)
        for lon, lat in zip(
            rng.uniform(107.52, 107.66, 400),
            rng.uniform(16.40, 16.52, 400),
            strict=True,
        )
    ]
    result = clusters.gi_star(points, resolution=8)
    assert len(result.cells) > 100
    assert result.significant == []


def test_no_points_means_no_cells_and_a_note_saying_so():
    result = clusters.gi_star([], resolution=8)
    assert result.cells == []
    assert "Chưa có dữ liệu" in clusters.explanation(result)


def test_explanation_is_plain_vietnamese_with_the_counts():
    result = clusters.gi_star(cluster_field(), resolution=8, variable="kg")
    text = clusters.explanation(result)
    assert "số kg rác" in text and "Ô đỏ" in text and "99 %" in text
    assert f"{result.count('hot')} ô nóng" in text


# --- the study area cap --------------------------------------------------------------


def test_study_area_falls_back_to_occupied_cells_and_rings_then_refuses(monkeypatch):
    corners = [
        h3.latlng_to_cell(lat, lon, 9)
        for lon, lat in ((106.9, 15.9), (108.3, 15.9), (106.9, 16.9), (108.3, 16.9))
    ]
    monkeypatch.setattr(clusters, "MAX_STUDY_CELLS", 50)
    area = clusters.study_area(corners, resolution=9)
    assert len(area) == 4 * 7 and set(corners) <= set(area)
    monkeypatch.setattr(clusters, "MAX_STUDY_CELLS", 20)
    with pytest.raises(clusters.StudyAreaTooLarge):
        clusters.study_area(corners, resolution=9)


def test_study_area_over_the_cap_is_a_400_on_resolution(
    contest, organiser, api_client, monkeypatch, run_jobs
):
    campaign, rep, entrant, judge = contest
    make_hotspot(organiser, 107.59, 16.46)
    make_hotspot(organiser, 107.70, 16.50)  # ~12 km apart: 70-odd cells at res 8
    monkeypatch.setattr(clusters, "MAX_STUDY_CELLS", 10)
    api_client.get(reverse("api:analysis-api:clusters"))
    run_jobs()
    response = api_client.get(reverse("api:analysis-api:clusters"))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "resolution"


# --- the API -------------------------------------------------------------------------


def test_clusters_api_returns_cells_with_documented_properties(
    contest, organiser, api_client, run_jobs
):
    campaign, rep, entrant, judge = contest
    for lon, lat in ((107.59, 16.46), (107.591, 16.461), (107.62, 16.44)):
        make_hotspot(organiser, lon, lat)
    make_event(entrant, rep, judge, 107.59, 16.46, kg="25.00")
    url = reverse("api:analysis-api:clusters")
    for variable in ("hotspots", "kg"):
        query = {"campaign": campaign.slug, "variable": variable}
        assert api_client.get(url, query).status_code == 202
    assert run_jobs() == 2
    # Only significant cells by default; all=true gives the whole study area.
    significant = api_client.get(url, {"campaign": campaign.slug}).json()
    assert all(f["properties"]["class"] != "ns" for f in significant["features"])
    query = {"campaign": campaign.slug, "variable": "hotspots", "all": "true"}
    body = api_client.get(url, query).json()
    assert body["type"] == "FeatureCollection" and body["variable"] == "hotspots"
    assert body["correction"] == "benjamini-hochberg" and body["permutations"] == 999
    assert body["explanation"].startswith("Mỗi ô lục giác")
    assert len(body["features"]) > 3
    values = {}
    for feature in body["features"]:
        assert feature["geometry"]["type"] == "Polygon"
        props = feature["properties"]
        assert set(props) == {"cell", "value", "gi_z", "p_value", "p_fdr", "class"}
        assert props["class"] in clusters.CLASSES
        assert 0 < props["p_value"] <= props["p_fdr"] <= 1
        values[props["cell"]] = props["value"]
    assert sum(values.values()) == 3
    query = {"campaign": campaign.slug, "variable": "kg", "all": "true"}
    kg = api_client.get(url, query).json()
    assert sum(f["properties"]["value"] for f in kg["features"]) == 25.0
    assert "Gọi anh Minh" not in str(body) and "0905" not in str(kg)


def test_clusters_api_unknown_variable_is_a_400(contest, api_client):
    response = api_client.get(
        reverse("api:analysis-api:clusters"), {"variable": "people"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "variable"


# --- stored results: the page reads their counts only ------------------------------


def _store(request, payload, version="v"):
    from django.utils import timezone

    from maps.models import AnalysisResult

    AnalysisResult.objects.create(
        **request.lookup(),
        version=version,
        computed_at=timezone.now(),
        seconds=0.1,
        payload=payload,
    )


def test_stored_summaries_count_what_the_stored_results_hold(contest, client):
    from maps import analysis, hexagons
    from maps.models import AnalysisKind
    from maps.params import analysis_params
    from tests.tiles import tilemap_config

    campaign = contest.campaign
    params = analysis_params({"campaign": campaign.slug, "resolution": "8"})
    result = clusters.gi_star(cluster_field(), resolution=8)
    assert result.significant and len(result.cells) > 100
    _store(analysis.gi_request(params), analysis.encode(AnalysisKind.GI_STAR, result))
    gaps = [
        hexagons.Gap(i, 107.59, 16.46, "plastic", "bag", "Túi", True, None)
        for i in (1, 2, 3)
    ]
    _store(analysis.gaps_request(params), analysis.encode(AnalysisKind.GAPS, gaps))
    summary = analysis.stored_gi_star(params, summary=True)
    full = analysis.stored_gi_star(params)
    assert summary.value == full.value.summary()
    assert (summary.computed_at, summary.fresh) == (full.computed_at, full.fresh)
    assert clusters.explanation(summary.value) == clusters.explanation(full.value)
    assert analysis.stored_gaps(params, summary=True).value == 3
    # The page says so, and its map fetches the significant cells.
    html = client.get(
        reverse("analysis:hexagons"), {"campaign": campaign.slug}
    ).content.decode()
    assert clusters.explanation(result) in html
    config = tilemap_config(html, "hexmap-config")
    body = client.get(config["clusters"]).json()
    assert len(body["features"]) == len(result.significant)
    assert "3 điểm nóng ưu tiên" in html


def test_a_stored_study_area_too_large_reads_as_such(contest):
    from maps import analysis
    from maps.params import analysis_params

    params = analysis_params({"resolution": "9"})
    _store(analysis.gi_request(params), {"too_large": True})
    summary = analysis.stored_gi_star(params, summary=True)
    assert summary.too_large and summary.value is None and summary.computed_at
