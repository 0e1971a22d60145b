import json

import pytest
from django.test import override_settings

from geo.spatial import GeometryError, parse_geometry, point_from_lonlat

SQUARE = [[[107.5, 16.4], [107.6, 16.4], [107.6, 16.5], [107.5, 16.5], [107.5, 16.4]]]


def code_of(value, **kwargs):
    with pytest.raises(GeometryError) as err:
        parse_geometry(value, **kwargs)
    return err.value.code


def test_point_passes_in_lon_lat_order():
    geom = parse_geometry({"type": "Point", "coordinates": [107.59, 16.46]})
    assert (geom.x, geom.y, geom.srid) == (107.59, 16.46, 4326)


def test_json_string_is_accepted():
    geom = parse_geometry(json.dumps({"type": "Polygon", "coordinates": SQUARE}))
    assert geom.geom_type == "Polygon" and geom.valid


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (
            {"type": "Point", "coordinates": [16.46, 107.59]},
            "out_of_range",
        ),  # lat, lon swapped
        (
            {"type": "Point", "coordinates": [105.85, 21.03]},
            "outside_service_area",
        ),  # Hà Nội
        ({"type": "Point", "coordinates": [107.59, 16.46, 10.0]}, "not_2d"),
        ({"type": "Point", "coordinates": [107.59]}, "not_2d"),
        ({"type": "Point", "coordinates": ["107.59", 16.46]}, "not_a_number"),
        ({"type": "Point", "coordinates": [True, 16.46]}, "not_a_number"),
        ({"type": "Point", "coordinates": [float("nan"), 16.46]}, "not_finite"),
        ({"type": "Point", "coordinates": [float("inf"), 16.46]}, "not_finite"),
        ({"type": "Point", "coordinates": None}, "malformed"),
        ({"type": "Circle", "coordinates": [107.59, 16.46]}, "wrong_type"),
        ({"type": "GeometryCollection", "geometries": []}, "wrong_type"),
        (
            {
                "type": "Point",
                "coordinates": [107.59, 16.46],
                "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
            },
            "crs_not_allowed",
        ),
        (
            {"type": "Point", "coordinates": [107.59, 16.46], "srid": 3857},
            "srid_not_allowed",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [107.5, 16.4],
                        [107.6, 16.5],
                        [107.6, 16.4],
                        [107.5, 16.5],
                        [107.5, 16.4],
                    ]
                ],
            },
            "invalid_geometry",
        ),
        (
            {"type": "Polygon", "coordinates": [SQUARE[0][:-1] + [[107.5, 16.45]]]},
            "ring_not_closed",
        ),
        ("{not json", "malformed"),
        ('{"type": "Point", "coordinates": [NaN, 16.4]}', "malformed"),
        ("[" * 5000 + "]" * 5000, "malformed"),
        ([107.59, 16.46], "malformed"),
    ],
)
def test_gate_refuses_bad_geometry_with_stable_code(value, code):
    assert code_of(value) == code


def test_expected_type_is_enforced():
    assert (
        code_of({"type": "Polygon", "coordinates": SQUARE}, expected=["Point"])
        == "wrong_type"
    )


@override_settings(GEOMETRY_MAX_VERTICES=10)
def test_vertex_count_is_bounded():
    ring = [[107.5 + i * 0.001, 16.4] for i in range(9)] + [
        [107.5, 16.5],
        [107.5, 16.4],
    ]
    assert code_of({"type": "Polygon", "coordinates": [ring]}) == "too_many_vertices"


def test_deeply_nested_geometry_is_refused_without_recursion_error():
    deep = {"type": "MultiPolygon", "coordinates": [[[[[[[107.5, 16.4]]]]]]]}
    assert code_of(deep) in {"malformed", "not_2d"}


@pytest.mark.parametrize(
    ("lon", "lat", "field", "code"),
    [
        (None, "16.4", "lon", "required"),
        ("", "16.4", "lon", "required"),
        ("abc", "16.4", "lon", "not_a_number"),
        ("107.5", "nan", "lat", "not_finite"),
        ("inf", "16.4", "lon", "not_finite"),
        ("107.5", "-91", "lat", "out_of_range"),
        ("181", "16.4", "lon", "out_of_range"),
        ("105.85", "21.03", "lon,lat", "outside_service_area"),
    ],
)
def test_point_parameters_are_checked(lon, lat, field, code):
    with pytest.raises(GeometryError) as err:
        point_from_lonlat(lon, lat)
    assert (err.value.code, err.value.field) == (code, field)


def test_strip_along_a_line_is_a_valid_polygon_of_the_asked_width():
    from django.contrib.gis.geos import Point

    from geo.spatial import UTM48N, WGS84, strip_along

    # A bent line of about 220 m by the Hương river (1e-4° of longitude ~10.7 m).
    line = parse_geometry(
        {
            "type": "LineString",
            "coordinates": [[107.58, 16.46], [107.581, 16.4605], [107.582, 16.46]],
        },
        expected=["LineString"],
    )
    strip = strip_along(line, half_width_m=2.0)
    assert (strip.geom_type, strip.srid, strip.valid) == ("Polygon", WGS84, True)
    metric_line = line.transform(UTM48N, clone=True)
    metric_strip = strip.transform(UTM48N, clone=True)
    assert metric_strip.area == pytest.approx(metric_line.length * 4.0, rel=0.02)
    # Flat ends: the strip stops at the line's ends, it does not round past them.
    end = Point(107.58, 16.46, srid=WGS84).transform(UTM48N, clone=True)
    assert not metric_strip.contains(Point(end.x - 1.5, end.y, srid=UTM48N))
    assert metric_strip.contains(Point(end.x + 1.5, end.y, srid=UTM48N))
