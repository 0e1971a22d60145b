"""Demo administrative areas: approximate shapes, labelled as such everywhere."""

from django.conf import settings

from geo.loading import LoadReport, load_areas

DEMO_DIR = settings.BASE_DIR / "fixtures" / "demo"


def load() -> list[str]:
    """Load (or update in place) the demo province and its nine district-level units."""
    reports: list[tuple[str, LoadReport]] = [
        (
            "province",
            load_areas(
                DEMO_DIR / "areas-province.geojson",
                level="province",
                name_field="name",
                code_field="code",
                name_en_field="name_en",
                approximate=True,
            ),
        ),
        (
            "district",
            load_areas(
                DEMO_DIR / "areas-district.geojson",
                level="district",
                name_field="name",
                code_field="code",
                name_en_field="name_en",
                parent_level="province",
                approximate=True,
            ),
        ),
    ]
    return [
        f"areas ({level}): {r.created} created, {r.updated} updated"
        for level, r in reports
    ]
