"""Fill the rollups from the rows already there (re-runnable: a rebuild).

The triggers of 0001 keep the rollups current from then on. A new database has
no rows: nothing to compute (and the recomputation, being today's code, is
never run against an older schema there).
"""

from django.db import migrations


def fill(apps, schema_editor):
    hotspot = apps.get_model("hotspots", "Hotspot")
    event = apps.get_model("events", "CleanupEvent")
    if not (hotspot.objects.exists() or event.objects.exists()):
        return
    from maps import rollups

    rollups.rebuild_maps()


class Migration(migrations.Migration):
    dependencies = [("maps", "0003_rollups")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
