from django.db import migrations


class Migration(migrations.Migration):
    """A GiST index on the events' locations as geography (metres on the sphere),
    for the coverage gaps' anti-join and nearest cleanup (maps.selectors)."""

    dependencies = [("events", "0004_freeze_breakdown_lines_as_codes")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS events_cleanupevent_location_geog "
            "ON events_cleanupevent USING gist ((location::geography))",
            "DROP INDEX IF EXISTS events_cleanupevent_location_geog",
        )
    ]
