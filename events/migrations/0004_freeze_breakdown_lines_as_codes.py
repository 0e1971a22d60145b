"""Data migration: frozen snapshots' breakdown lines from English sentences to codes.

Snapshot format 1 stored each line as [sentence, value], the sentence written by
events.results.scoring ("plastic 40 kg x 3.0"); format 2 stores the line as data,
{"code", "params", "value"}, worded on display through gettext
(events.results.explain). The sentences are parsed here, not recomputed from the
frozen inputs: a frozen result keeps exactly the figures it was frozen with.
The patterns below are the only sentences scoring ever wrote; they live on here
for format 1 only.

Re-runnable: format 2 snapshots are left alone (forwards), format 1 ones
(backwards). Reversible: backwards writes the same sentences again.
"""

import re

from django.db import migrations

NUMBER = r"\S+"  # a Decimal as str() wrote it
# sentence pattern -> code; named groups are the params ("n" is an integer).
SENTENCES = (
    (rf"plastic (?P<kg>{NUMBER}) kg x (?P<factor>{NUMBER})", "plastic"),
    (
        rf"water hyacinth (?P<kg>{NUMBER}) kg x (?P<factor>{NUMBER})",
        "water_hyacinth",
    ),
    (rf"other (?P<kg>{NUMBER}) kg x (?P<factor>{NUMBER})", "other"),
    (rf"priority hotspot x (?P<factor>{NUMBER})", "priority"),
    (rf"estimated weight x (?P<factor>{NUMBER})", "estimated"),
    (r"rejected", "rejected"),
    (r"not reviewed yet", "not_reviewed"),
    (r"(?P<n>\d+) events", "events"),
    (rf"(?P<n>\d+) areas x (?P<factor>{NUMBER})", "coverage"),
)
# code -> the sentence format 1 wrote, for going backwards.
WRITTEN = {
    "plastic": "plastic {kg} kg x {factor}",
    "water_hyacinth": "water hyacinth {kg} kg x {factor}",
    "other": "other {kg} kg x {factor}",
    "priority": "priority hotspot x {factor}",
    "estimated": "estimated weight x {factor}",
    "rejected": "rejected",
    "not_reviewed": "not reviewed yet",
    "events": "{n} events",
    "coverage": "{n} areas x {factor}",
}


def line_from_sentence(pair: list) -> dict:
    """Return a format 1 line ([sentence, value]) as a format 2 line."""
    sentence, value = pair
    for pattern, code in SENTENCES:
        match = re.fullmatch(pattern, sentence)
        if match:
            params = {
                key: int(text) if key == "n" else text
                for key, text in match.groupdict().items()
            }
            return {"code": code, "params": params, "value": value}
    raise ValueError(f"Unknown breakdown line in a frozen snapshot: {sentence!r}")


def line_to_sentence(line: dict) -> list:
    """Return a format 2 line as the format 1 [sentence, value]."""
    return [WRITTEN[line["code"]].format(**line["params"]), line["value"]]


def convert(snapshot: dict, line, to_format: int) -> dict:
    """Return the snapshot with every breakdown line converted by `line`."""
    for results in snapshot["results"].values():
        for row in results["ranking"]:
            row["lines"] = [line(x) for x in row["lines"]]
            for event in row["events"]:
                event["lines"] = [line(x) for x in event["lines"]]
    if to_format == 1:
        snapshot.pop("format", None)
    else:
        snapshot["format"] = to_format
    return snapshot


def forwards(apps, schema_editor):
    ResultFreeze = apps.get_model("events", "ResultFreeze")
    for freeze in ResultFreeze.objects.all():
        if freeze.snapshot.get("format", 1) != 1:
            continue
        freeze.snapshot = convert(freeze.snapshot, line_from_sentence, 2)
        freeze.save(update_fields=["snapshot"])


def backwards(apps, schema_editor):
    ResultFreeze = apps.get_model("events", "ResultFreeze")
    for freeze in ResultFreeze.objects.all():
        if freeze.snapshot.get("format", 1) != 2:
            continue
        freeze.snapshot = convert(freeze.snapshot, line_to_sentence, 1)
        freeze.save(update_fields=["snapshot"])


class Migration(migrations.Migration):
    dependencies = [("events", "0003_results")]

    operations = [migrations.RunPython(forwards, backwards)]
