"""Tables the maps keep for themselves: derived data, never typed in.

Vector tiles (maps.tiles): LayerVersion and HotspotTileCell are written by
database triggers (migration maps 0002_layer_versions), so that no write path
can miss them: services, the admin, bulk ORM updates, raw SQL and generate_data
alike. Stored analyses (AnalysisResult) are written by the background job
maps.jobs.

Rollups: counts kept at write time so maps and dashboards read a few rows.

Each table holds sums over raw rows (hotspots, cleanup events and their area
links, participants, decisions) under a key, so a dashboard figure, a coverage
row, a heat cell or a hexagon is a GROUP BY over rollup rows whose number is
bounded by areas × days × categories (or cells), not by the number of hotspots.

They are kept current by PostgreSQL row triggers (maps/migrations/
0003_rollups.sql) in the transaction of every write, and checked and rebuilt
from the raw rows by maps.rollups (``manage.py rollups --check/--rebuild``).
Nothing else writes them. Which rows count where is decided by the readers in
maps.selectors; the tables only count by attribute, except where a comment says
a definition is built in (heat: pollution reports only; events: the verified
kilograms).

- Area 0 (PLATFORM) is the whole platform: every hotspot and event counts there
  once, whatever its area links, so the headline needs no sum over areas (and
  no DISTINCT for rows in two areas). Real area ids are AdminArea ids; no
  foreign keys (derived rows, rebuilt at will; a key would add lock traffic on
  the hottest rows).
- Days are Asia/Ho_Chi_Minh local dates (events.formatting.CONTEST_TZ): of
  created_at for hotspots, of started_at for events.
- Rows that fall to zero stay (a hot row going 1 → 0 → 1 is not deleted and
  re-inserted); readers and the check treat a zero row as no row.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

PLATFORM = 0  # the area id of "the whole platform"
# The heat grid's base cell in degrees (maps.selectors.HEAT_FIRST_CELL_DEG): the
# stored cell is floor(lon / 0.005), floor(lat / 0.005); coarser grids are
# these integers shifted right (0.01° = >> 1, 0.02° = >> 2...).
HEAT_BASE_CELL_DEG = 0.005
# The epoch of hotspots no campaign has ended after yet (HotspotCellCount).
NO_CAMPAIGN_END = "9999-12-31"


class HotspotAreaCount(models.Model):
    """Hotspots per (area, category, status, priority): coverage, headline."""

    pk = models.CompositePrimaryKey("area_id", "category", "status", "priority")
    area_id = models.BigIntegerField(_("địa bàn (0: toàn nền tảng)"))
    category = models.CharField(_("loại"), max_length=20)
    status = models.CharField(_("trạng thái"), max_length=20)
    priority = models.BooleanField(_("ưu tiên"))
    hotspots = models.IntegerField(_("số điểm nóng"), default=0)

    class Meta:
        verbose_name = _("tổng hợp điểm nóng theo địa bàn")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.area_id} {self.category} {self.status}: {self.hotspots}"


class HotspotAreaDayCount(models.Model):
    """Hotspots per (area, day reported, category, status, priority): daily charts."""

    pk = models.CompositePrimaryKey("area_id", "day", "category", "status", "priority")
    area_id = models.BigIntegerField(_("địa bàn (0: toàn nền tảng)"))
    day = models.DateField(_("ngày báo cáo"))
    category = models.CharField(_("loại"), max_length=20)
    status = models.CharField(_("trạng thái"), max_length=20)
    priority = models.BooleanField(_("ưu tiên"))
    hotspots = models.IntegerField(_("số điểm nóng"), default=0)

    class Meta:
        verbose_name = _("tổng hợp điểm nóng theo địa bàn và ngày")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.area_id} {self.day} {self.status}: {self.hotspots}"


class HotspotCellCount(models.Model):
    """Hotspots per (H3 resolution, cell, epoch, status): the hexagon layer.

    The hexagon layer of a campaign counts the hotspots reported by the end of
    its activity window. Rather than a day (cells × days rows: 464,000 at
    resolution 9 for 1M hotspots over 4 months), a hotspot is keyed by its
    epoch, `known_by`: the earliest campaign activity_end on or after its report
    day (NO_CAMPAIGN_END if none yet). A campaign then reads the rows with
    known_by <= its activity_end: cells × statuses × campaigns rows. Adding a
    campaign or moving its end re-keys the hotspots of the epoch it splits (the
    campaign trigger does it).
    """

    pk = models.CompositePrimaryKey("resolution", "cell", "known_by", "status")
    resolution = models.SmallIntegerField(_("cấp H3"))
    cell = models.BigIntegerField(_("ô H3"))
    known_by = models.DateField(_("kỳ (ngày kết thúc chiến dịch)"))
    status = models.CharField(_("trạng thái"), max_length=20)
    hotspots = models.IntegerField(_("số điểm nóng"), default=0)

    class Meta:
        verbose_name = _("tổng hợp điểm nóng theo ô H3")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.resolution}:{self.cell:x} {self.status}: {self.hotspots}"


class HotspotHeatCount(models.Model):
    """Pollution reports per (day, heat grid cell, size class): the heatmap.

    Built-in definition: only hotspots that are pollution (not rejected, not a
    duplicate: hotspots.models.DISMISSED_STATUSES), as the heatmap shows. The
    size class is kept (not its kilograms) so editing a size class's range needs
    no rebuild: the weight is the size class's mid kg at read time.
    """

    pk = models.CompositePrimaryKey("day", "gx", "gy", "size_class_id")
    day = models.DateField(_("ngày báo cáo"))
    gx = models.IntegerField(_("cột lưới"))
    gy = models.IntegerField(_("hàng lưới"))
    size_class_id = models.BigIntegerField(_("cỡ"))
    hotspots = models.IntegerField(_("số điểm nóng"), default=0)

    class Meta:
        verbose_name = _("tổng hợp bản đồ nhiệt điểm nóng theo ngày")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.day} ({self.gx}, {self.gy}): {self.hotspots}"


class HotspotHeatTotal(models.Model):
    """Pollution reports per (heat grid cell, size class), all days together.

    HotspotHeatCount summed over days: the heatmap's default view (no period)
    reads ~1,600 cells × sizes instead of cells × days × sizes.
    """

    pk = models.CompositePrimaryKey("gx", "gy", "size_class_id")
    gx = models.IntegerField(_("cột lưới"))
    gy = models.IntegerField(_("hàng lưới"))
    size_class_id = models.BigIntegerField(_("cỡ"))
    hotspots = models.IntegerField(_("số điểm nóng"), default=0)

    class Meta:
        verbose_name = _("tổng hợp bản đồ nhiệt điểm nóng")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"({self.gx}, {self.gy}): {self.hotspots}"


class EventAreaCount(models.Model):
    """Cleanup events per (campaign, area, entrant, status): coverage, headline.

    Built-in definition of the verified figures: verified_events counts the
    approved and adjusted events that have a current decision, verified_kg sums
    that decision's verified_weight_kg (events.models.VERIFIED_EVENT_STATUSES);
    other events add 0 to both. participants counts participations.
    """

    pk = models.CompositePrimaryKey("campaign_id", "area_id", "entrant_id", "status")
    campaign_id = models.BigIntegerField(_("chiến dịch"))
    area_id = models.BigIntegerField(_("địa bàn (0: toàn nền tảng)"))
    entrant_id = models.BigIntegerField(_("đội thi"))
    status = models.CharField(_("trạng thái"), max_length=20)
    events = models.IntegerField(_("số sự kiện"), default=0)
    verified_events = models.IntegerField(_("số sự kiện đã xác nhận"), default=0)
    verified_kg = models.DecimalField(
        _("khối lượng xác nhận (kg)"), max_digits=14, decimal_places=2, default=0
    )
    participants = models.IntegerField(_("số lượt tham gia"), default=0)

    class Meta:
        verbose_name = _("tổng hợp sự kiện theo địa bàn")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.area_id} {self.entrant_id}: {self.events}"


class EventAreaDayCount(models.Model):
    """Cleanup events per (campaign, area, day started, status): daily charts.

    The same figures as EventAreaCount (its definitions), by day instead of by
    entrant: entrant × day would make about one row per event.
    """

    pk = models.CompositePrimaryKey("campaign_id", "area_id", "day", "status")
    campaign_id = models.BigIntegerField(_("chiến dịch"))
    area_id = models.BigIntegerField(_("địa bàn (0: toàn nền tảng)"))
    day = models.DateField(_("ngày bắt đầu"))
    status = models.CharField(_("trạng thái"), max_length=20)
    events = models.IntegerField(_("số sự kiện"), default=0)
    verified_events = models.IntegerField(_("số sự kiện đã xác nhận"), default=0)
    verified_kg = models.DecimalField(
        _("khối lượng xác nhận (kg)"), max_digits=14, decimal_places=2, default=0
    )
    participants = models.IntegerField(_("số lượt tham gia"), default=0)

    class Meta:
        verbose_name = _("tổng hợp sự kiện theo địa bàn và ngày")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.area_id} {self.day}: {self.events}"


class EventCellCount(models.Model):
    """Cleanup events per (campaign, H3 resolution, cell, status): the hexagon layer.

    verified_kg as in EventAreaCount (0 for events not approved or adjusted).
    """

    pk = models.CompositePrimaryKey("campaign_id", "resolution", "cell", "status")
    campaign_id = models.BigIntegerField(_("chiến dịch"))
    resolution = models.SmallIntegerField(_("cấp H3"))
    cell = models.BigIntegerField(_("ô H3"))
    status = models.CharField(_("trạng thái"), max_length=20)
    events = models.IntegerField(_("số sự kiện"), default=0)
    verified_kg = models.DecimalField(
        _("khối lượng xác nhận (kg)"), max_digits=14, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("tổng hợp sự kiện theo ô H3")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.resolution}:{self.cell:x}: {self.events}"


class EventHeatCount(models.Model):
    """Verified cleanups per (day started, heat grid cell), every campaign: heatmap.

    Built-in definition: only events counted in verified_events (approved or
    adjusted, with a current decision), weighted by its verified kilograms.
    """

    pk = models.CompositePrimaryKey("day", "gx", "gy")
    day = models.DateField(_("ngày bắt đầu"))
    gx = models.IntegerField(_("cột lưới"))
    gy = models.IntegerField(_("hàng lưới"))
    events = models.IntegerField(_("số sự kiện"), default=0)
    verified_kg = models.DecimalField(
        _("khối lượng xác nhận (kg)"), max_digits=14, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("tổng hợp bản đồ nhiệt thu gom theo ngày")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.day} ({self.gx}, {self.gy}): {self.events}"


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
