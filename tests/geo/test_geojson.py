from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from shapely.geometry import shape

from geo import geojson
from geo.models import AdminArea


def _ccw(ring) -> bool:
    area = sum(
        (x2 - x1) * (y2 + y1)
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)
    )
    return area < 0  # shoelace sum negative for counter-clockwise


CW = Polygon(
    ((107.5, 16.4), (107.5, 16.5), (107.6, 16.5), (107.6, 16.4), (107.5, 16.4)),
    (
        (107.52, 16.42),
        (107.58, 16.42),
        (107.58, 16.48),
        (107.52, 16.48),
        (107.52, 16.42),
    ),
    srid=4326,
)


def test_python_geometry_orients_exterior_ccw_and_holes_cw():
    data = geojson.geometry(CW)
    exterior, hole = data["coordinates"]
    assert _ccw(exterior)
    assert not _ccw(hole)
    assert shape(data).equals(shape(geojson.geometry(CW)))
    assert shape(data).area == CW.area


def test_python_geometry_rounds_to_six_decimals():
    point = GEOSGeometry("POINT(107.123456789 16.987654321)", srid=4326)
    assert geojson.geometry(point) == {
        "type": "Point",
        "coordinates": [107.123457, 16.987654],
    }
    assert geojson.geometry(None) is None


def test_multipolygon_parts_each_oriented():
    multi = GEOSGeometry(f"MULTIPOLYGON((({CW.exterior_ring.wkt[12:-1]})))", srid=4326)
    for polygon in geojson.geometry(multi)["coordinates"]:
        assert _ccw(polygon[0])


def test_sql_function_orients_like_python(db):
    area = AdminArea.objects.create(
        name="Vòng", code="cw-test", level="district", geom=MultiPolygon(CW, srid=4326)
    )
    row = (
        AdminArea.objects.filter(pk=area.pk)
        .annotate(g=geojson.ForcePolygonCCW("geom"))
        .values_list("g", flat=True)
        .get()
    )
    assert geojson.geometry(row) == geojson.geometry(MultiPolygon(CW, srid=4326))
    assert _ccw(list(row[0].exterior_ring.coords))
    assert not _ccw(list(row[0][1].coords))
