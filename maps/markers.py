"""The hotspot marker presenter: a hotspot's circle and tooltip on any of our maps.

Plain rows in (maps.rows.HotspotRow, from maps.selectors), maps.layers
markers out. Every tooltip starts with "#id · category"; a page names the lines
that follow, each worded here once. Text is plain: maps.layers escapes it.
"""

from collections.abc import Iterable, Sequence

from django.core.files.storage import default_storage
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from hotspots.models import Category, Status  # the choices (labels) only

from .layers import HotspotMarker
from .rows import HotspotRow

# The tooltip lines a page may ask for, after the title line.
SIZE = "size"  # the size class
SIZE_STATUS = "size_status"  # size class · status
STATUS = "status"
REPORTED_ON = "reported_on"  # "reported on <day>" (local day)
CONFIRMATIONS = "confirmations"  # "<n> confirmations"
PRIORITY = "priority"  # "priority", for priority hotspots only
DESCRIPTION = "description"  # the first 80 characters, when there is one
DESCRIPTION_CHARS = 80


def confirmations_text(count: int) -> str:
    return ngettext("%(n)s xác nhận", "%(n)s xác nhận", count) % {"n": count}


def size_label(row: HotspotRow) -> str:
    """Return the size class's label in the page's language (Vietnamese first)."""
    if (get_language() or "").startswith("en") and row.size_label_en:
        return row.size_label_en
    return row.size_label


def _line(row: HotspotRow, kind: str, statuses: dict) -> str:
    if kind == SIZE:
        return size_label(row)
    if kind == SIZE_STATUS:
        return size_label(row) + " · " + str(statuses.get(row.status, row.status))
    if kind == STATUS:
        return str(statuses.get(row.status, row.status))
    if kind == REPORTED_ON:
        day = formats.date_format(
            timezone.localtime(row.created_at), "SHORT_DATE_FORMAT"
        )
        return _("Báo cáo ngày %(day)s") % {"day": day}
    if kind == CONFIRMATIONS:
        return confirmations_text(row.confirmation_count)
    if kind == PRIORITY:
        return _("Ưu tiên") if row.priority else ""
    if kind == DESCRIPTION:
        return Truncator(row.description).chars(DESCRIPTION_CHARS)
    raise ValueError(kind)


def hotspot_markers(
    rows: Iterable[HotspotRow], *, lines: Sequence[str] = ()
) -> list[HotspotMarker]:
    """Return one marker per row: a tooltip of "#id · category" then `lines`
    (empty ones left out), and the row's thumbnail."""
    categories = dict(Category.choices)
    statuses = dict(Status.choices)
    markers = []
    for row in rows:
        title = "#" + str(row.id) + " · " + str(categories.get(row.category, ""))
        text = [title, *(_line(row, kind, statuses) for kind in lines)]
        markers.append(
            HotspotMarker(
                lon=row.lon,
                lat=row.lat,
                category=row.category,
                score=row.score,
                priority=row.priority,
                lines=tuple(line for line in text if line),
                status=row.status,
                thumbnail_url=(
                    default_storage.url(row.thumbnail) if row.thumbnail else ""
                ),
                thumbnail_alt=_("Ảnh điểm nóng #%(id)s") % {"id": row.id},
            )
        )
    return markers
