"""Build the approximate demo areas of Thừa Thiên Huế (as of 2024) from public facts.

Official boundary files cannot be shipped in this repository, so the demo uses
shapes that are clearly approximate: Voronoi cells around each district-level
unit's seat (../shared/data/tth-district-seats.csv), clipped to a coarse,
hand-drawn province outline. Each seat lies inside its own cell and the cells do
not overlap. Output: fixtures/demo/areas-province.geojson and
fixtures/demo/areas-district.geojson (regenerate with this script; both are
committed, so set-up does not need the seats file).

    .venv/bin/python scripts/build_demo_areas.py [SEATS_CSV]
"""

import csv
import json
import sys
from pathlib import Path

from shapely import MultiPoint, Point, Polygon, voronoi_polygons
from shapely.geometry import mapping

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEATS = ROOT.parent / "shared" / "data" / "tth-district-seats.csv"

# Coarse outline of the province (lon, lat), drawn from its well-known extent:
# the coast from the Quảng Trị border to the Hải Vân pass, the Lao border on
# the south-west. About 107.0-108.2 E, 16.0-16.75 N. Not a boundary.
PROVINCE_OUTLINE = [
    (107.00, 16.42),
    (107.15, 16.76),
    (107.45, 16.68),
    (107.62, 16.60),
    (107.85, 16.45),
    (108.05, 16.33),
    (108.20, 16.22),
    (108.15, 16.12),
    (107.85, 16.04),
    (107.60, 16.00),
    (107.35, 15.98),
    (107.10, 16.05),
    (106.98, 16.22),
    (107.00, 16.42),
]


def read_seats(path: Path) -> list[dict]:
    lines = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    return list(csv.DictReader(lines))


def feature(geom, **props) -> dict:
    rounded = json.loads(
        json.dumps(mapping(geom)), parse_float=lambda v: round(float(v), 5)
    )
    return {"type": "Feature", "properties": props, "geometry": rounded}


def main() -> None:
    seats_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SEATS
    seats = read_seats(seats_path)
    province = Polygon(PROVINCE_OUTLINE)
    points = [Point(float(s["lon"]), float(s["lat"])) for s in seats]
    cells = voronoi_polygons(MultiPoint(points), extend_to=province.buffer(1))
    districts = []
    for seat, point in zip(seats, points, strict=True):
        cell = next(c for c in cells.geoms if c.contains(point))
        shape = cell.intersection(province)
        assert shape.contains(point), seat["name"]
        districts.append(
            feature(
                shape,
                code=seat["code"],
                name=seat["name"],
                name_en=seat["name_en"],
                seat=seat["seat"],
                approximate=True,
            )
        )
    note = "Approximate demo shapes built from seat positions; not official boundaries."
    out = ROOT / "fixtures" / "demo"
    out.mkdir(parents=True, exist_ok=True)
    for name, features in (
        (
            "areas-province.geojson",
            [
                feature(
                    province,
                    code="46",
                    name="Tỉnh Thừa Thiên Huế",
                    name_en="Thua Thien Hue Province",
                    approximate=True,
                )
            ],
        ),
        ("areas-district.geojson", districts),
    ):
        collection = {"type": "FeatureCollection", "name": note, "features": features}
        (out / name).write_text(
            json.dumps(collection, ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
        print(f"wrote {out / name} ({len(features)} features)")


if __name__ == "__main__":
    main()
