"""Seed the campaign-independent size classes (organisers may edit them later).

Re-runnable: existing rows (possibly edited by organisers) are left as they are.
"""

from django.db import migrations

from hotspots.defaults import seed_size_classes


def seed(apps, schema_editor):
    seed_size_classes(apps.get_model("hotspots", "SizeClass"))


class Migration(migrations.Migration):
    dependencies = [("hotspots", "0001_hotspots")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
