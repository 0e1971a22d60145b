"""Labels for the level names geo's loaders use (an area's `level` is a free slug).

A page or an export shows the label; the code stays what forms, URLs and exports'
code columns carry. Any other level shows as stored.
"""

from django.utils.translation import gettext_lazy as _

LEVEL_LABELS = {
    "province": _("Tỉnh / thành phố"),
    "district": _("Quận / huyện / thị xã"),
    "commune": _("Phường / xã / thị trấn"),
}


def level_label(level: str) -> str:
    """Return the translated label of an area level (the code if it has none)."""
    return str(LEVEL_LABELS.get(level, level))


def level_choices(levels) -> list[tuple[str, str]]:
    """Return (code, label) for each level, in the order given."""
    return [(level, level_label(level)) for level in levels]
