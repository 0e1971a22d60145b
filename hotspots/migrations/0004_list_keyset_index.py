"""The index that matches the hotspot list's order, for the API's keyset pages.

Built CONCURRENTLY: at a million rows a plain CREATE INDEX would hold off new
reports while it builds.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("hotspots", "0003_history_unclean_action"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="hotspot",
            index=models.Index(
                fields=["-score", "-created_at", "id"], name="hotspots_list_keyset_idx"
            ),
        ),
    ]
