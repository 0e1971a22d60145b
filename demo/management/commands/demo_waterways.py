"""Write the fallback base map's waterways (fixtures/demo/waterways.geojson).

The lines are generate_data's own coarse river and lagoon polylines (where its
synthetic hotspots gather), so the base map and the synthetic data agree. They
are illustrative, not surveyed: every feature says so ("dữ liệu minh hoạ").
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand

from .generate_data import LINES

# generate_data's LINES index -> (name, kind); the road (QL1A) is not water.
WATERWAYS = {
    0: ("Sông Hương", "river"),
    1: ("Sông An Cựu", "river"),
    2: ("Phá Tam Giang – Cầu Hai", "lagoon"),
}
SOURCE = "dữ liệu minh hoạ"


def waterways() -> dict:
    """Return the waterways as a GeoJSON FeatureCollection (lon, lat; WGS84)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": name, "kind": kind, "source": SOURCE},
                "geometry": {
                    "type": "LineString",
                    "coordinates": [list(p) for p in LINES[i]],
                },
            }
            for i, (name, kind) in WATERWAYS.items()
        ],
    }


class Command(BaseCommand):
    help = "Write the fallback base map's illustrative waterways as GeoJSON."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=settings.MAP_BASEMAP_WATERWAYS)

    def handle(self, *args, output, **options):
        data = waterways()
        with open(output, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
            f.write("\n")
        self.stdout.write(f"waterways: {len(data['features'])} lines -> {output}")
