"""Seed the campaign-independent size classes (organisers may edit them later).

Re-runnable: existing rows (possibly edited by organisers) are left as they are.
"""

from django.db import migrations

DEFAULTS = [
    # key, Vietnamese label, English label, min kg, max kg
    ("bag", "Một túi / bao", "One bag", 1, 10),
    ("several_bags", "Vài túi / bao", "Several bags", 10, 50),
    ("cart", "Một xe đẩy / xe kéo", "A cart or trailer", 50, 300),
    ("truck", "Một xe tải trở lên", "A truckload or more", 300, 3000),
]


def seed(apps, schema_editor):
    SizeClass = apps.get_model("hotspots", "SizeClass")
    for order, (key, label, label_en, min_kg, max_kg) in enumerate(DEFAULTS):
        SizeClass.objects.get_or_create(
            key=key,
            defaults={
                "label": label,
                "label_en": label_en,
                "min_kg": min_kg,
                "max_kg": max_kg,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("hotspots", "0001_hotspots")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
