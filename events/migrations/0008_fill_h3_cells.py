"""Store the H3 cells of the CleanupEvent rows that have none (re-runnable).

Data migration, apart from the schema one: geo.cells.assign_bulk reads the
points in batches and writes the cells back with one UPDATE per batch.
"""

from django.db import migrations
from django.db.models import Q


def fill(apps, schema_editor):
    from geo.cells import assign_bulk, field_name, resolutions

    model = apps.get_model("events", "CleanupEvent")
    missing = Q()
    for res in resolutions():
        missing |= Q(**{f"{field_name(res)}__isnull": True})
    assign_bulk(model.objects.using(schema_editor.connection.alias).filter(missing))


class Migration(migrations.Migration):
    dependencies = [("events", "0007_h3_cells")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
