"""Take back from the public the reports a cleanup event claimed before any
organiser verified them (the moderation bypass of issue 13).

From the history: a "cleaned" hotspot that was never verified and whose last
"clean" step started from "reported" becomes "cleaned_unverified", back in the
organisers' queue. Hotspots with no history (bulk-generated) are left as they
are: nothing says they were not verified. Re-runnable; the rollup triggers
(maps) follow the status change.
"""

from django.db import migrations

FORWARD = """
UPDATE hotspots_hotspot AS h
SET status = 'cleaned_unverified'
WHERE h.status = 'cleaned'
  AND NOT EXISTS (
      SELECT 1 FROM hotspots_hotspothistory AS v
      WHERE v.hotspot_id = h.id AND v.action = 'verify'
  )
  AND (
      SELECT c.from_status FROM hotspots_hotspothistory AS c
      WHERE c.hotspot_id = h.id AND c.action = 'clean'
      ORDER BY c.at DESC, c.id DESC
      LIMIT 1
  ) = 'reported'
"""

BACKWARD = """
UPDATE hotspots_hotspot SET status = 'cleaned' WHERE status = 'cleaned_unverified'
"""


class Migration(migrations.Migration):
    dependencies = [
        ("hotspots", "0008_status_cleaned_unverified"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
