"""Tables the maps keep for themselves: derived data, never typed in.

Vector tiles (maps.tiles): LayerVersion and HotspotTileCell are written by
database triggers (migration maps 0002_layer_versions), so that no write path
can miss them: services, the admin, bulk ORM updates, raw SQL and generate_data
alike. Stored analyses (AnalysisResult) are written by the background job
maps.jobs.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- vector tiles ---------------------------------------------------------------------


class LayerVersion(models.Model):
    """A tile layer's data version, in slots: the layer's version is their sum.

    Statement-level triggers add 1 to the slot of the writing connection
    (backend pid modulo the slot count) in the writer's transaction: the sum
    changes exactly when the write commits, and concurrent writers on other
    connections do not queue on one row.
    """

    layer = models.CharField(_("lớp"), max_length=20)
    slot = models.PositiveSmallIntegerField(_("ngăn"))
    version = models.BigIntegerField(_("phiên bản"), default=0)

    class Meta:
        verbose_name = _("phiên bản lớp bản đồ")
        verbose_name_plural = _("phiên bản lớp bản đồ")
        constraints = [
            models.UniqueConstraint(
                fields=["layer", "slot"], name="maps_layerversion_layer_slot_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.layer}[{self.slot}]={self.version}"


class HotspotTileCell(models.Model):
    """How many public hotspots fall in one Web-Mercator grid cell.

    A cell at `level` L is one of the 2^L × 2^L squares of the world in
    EPSG:3857 (cx from the west, cy from the north, as tile x/y): the 32 × 32
    blocks of a zoom-z tile are the cells at level z + 5. Kept for levels
    maps.tiles.CELL_LEVELS by a trigger on hotspots_hotspot; `n` may reach 0
    (rows are kept and skipped). sum_lon/sum_lat (degrees) give the members'
    mean position.
    """

    level = models.PositiveSmallIntegerField(_("cấp"))
    cx = models.IntegerField()
    cy = models.IntegerField()
    n = models.IntegerField(_("số điểm nóng"), default=0)
    sum_lon = models.FloatField(default=0)
    sum_lat = models.FloatField(default=0)

    class Meta:
        verbose_name = _("ô lưới điểm nóng")
        verbose_name_plural = _("ô lưới điểm nóng")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "cx", "cy"], name="maps_hotspottilecell_cell_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level}/{self.cx}/{self.cy}: {self.n}"


class HotspotTileFacet(models.Model):
    """The grid of HotspotTileCell split by the public map's filter values.

    One row per cell and (category, status, priority) present, so a tile
    filtered by those is summed from the grid too (kept by the same trigger).
    """

    level = models.PositiveSmallIntegerField(_("cấp"))
    cx = models.IntegerField()
    cy = models.IntegerField()
    category = models.CharField(_("loại"), max_length=20)
    status = models.CharField(_("trạng thái"), max_length=20)
    priority = models.BooleanField(_("ưu tiên"))
    n = models.IntegerField(_("số điểm nóng"), default=0)
    sum_lon = models.FloatField(default=0)
    sum_lat = models.FloatField(default=0)

    class Meta:
        verbose_name = _("ô lưới điểm nóng theo loại")
        verbose_name_plural = _("ô lưới điểm nóng theo loại")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "cx", "cy", "category", "status", "priority"],
                name="maps_hotspottilefacet_cell_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level}/{self.cx}/{self.cy} {self.category}: {self.n}"


# --- stored analyses (gaps, Gi*) ------------------------------------------------------


class AnalysisKind(models.TextChoices):
    GAPS = "gaps", _("khoảng trống thu gom")
    GI_STAR = "gi", _("cụm nóng/lạnh Gi*")


class AnalysisResult(models.Model):
    """A stored analysis of one campaign (maps.jobs computes it in the background).

    `version` is the data version the result was computed from (maps.selectors
    .analysis_version): when the data have changed since, the result is shown
    with its time and a new computation is queued. `payload` is plain data
    (maps.analysis turns it back into Gap / ClusterResult objects).
    """

    kind = models.CharField(max_length=8, choices=AnalysisKind.choices)
    campaign = models.ForeignKey(
        "events.Campaign", on_delete=models.CASCADE, related_name="+"
    )
    # What the result depends on besides the data: resolution and variable for
    # Gi*, the gap distance for gaps ("" / 0 where not used).
    resolution = models.PositiveSmallIntegerField(default=0)
    variable = models.CharField(max_length=16, blank=True)
    parameter = models.CharField(max_length=32, blank=True)
    version = models.CharField(max_length=200)
    computed_at = models.DateTimeField()
    seconds = models.FloatField()
    payload = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "campaign", "resolution", "variable", "parameter"],
                name="maps_one_result_per_analysis",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.campaign_id} r{self.resolution} {self.variable}"
