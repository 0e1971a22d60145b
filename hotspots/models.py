import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from geo.spatial import WGS84

from .querysets import HotspotPhotoQuerySet, HotspotQuerySet


class Category(models.TextChoices):
    PLASTIC = "plastic", _("Rác thải nhựa")
    WATER_HYACINTH = "water_hyacinth", _("Bèo lục bình")
    HOUSEHOLD = "household", _("Rác sinh hoạt / hỗn hợp")
    CONSTRUCTION = "construction", _("Xà bần / rác cồng kềnh")
    HAZARDOUS = "hazardous", _("Chất thải nguy hại")
    OTHER = "other", _("Khác")


class Status(models.TextChoices):
    REPORTED = "reported", _("Mới báo cáo")
    VERIFIED = "verified", _("Đã xác minh")
    CLEANED = "cleaned", _("Đã thu gom")
    # Claimed by a cleanup event before any organiser verified the report: not
    # public (a claim is no moderation) until an organiser verifies it, which
    # makes it "cleaned" (services.hotspot_verify).
    CLEANED_UNVERIFIED = "cleaned_unverified", _("Đã thu gom, chờ xác minh")
    REOPENED = "reopened", _("Tái xuất hiện")
    REJECTED = "rejected", _("Bị từ chối")
    DUPLICATE = "duplicate", _("Trùng lặp")


# Hotspots anyone may see; "reported" and "cleaned_unverified" ones are seen by
# organisers and their reporter. The one rule of every public surface: the
# querysets (querysets.HotspotQuerySet.public/visible_to), Hotspot.is_public and
# the SQL function maps_public (maps/migrations/0002_layer_versions.py, checked
# against this tuple by tests/maps/test_tiles.py).
PUBLIC_STATUSES = (Status.VERIFIED, Status.CLEANED, Status.REOPENED)
# Hotspots still waiting for a cleanup (candidates for "nearby" and duplicates).
OPEN_STATUSES = (Status.REPORTED, Status.VERIFIED, Status.REOPENED)
# What waits for an organiser's decision (the moderation queue's default view).
ATTENTION_STATUSES = (Status.REPORTED, Status.CLEANED_UNVERIFIED, Status.REOPENED)
# Marked cleaned by a cleanup event, verified or not (the jury may revert both).
CLEANED_STATUSES = (Status.CLEANED, Status.CLEANED_UNVERIFIED)
# Reports that are not pollution: refused, or merged into another report. They
# count nowhere (maps, coverage, dashboard) and nothing can be merged into them.
DISMISSED_STATUSES = (Status.REJECTED, Status.DUPLICATE)


class LocationSource(models.TextChoices):
    GPS = "gps", _("Định vị của thiết bị")
    PIN = "pin", _("Ghim trên bản đồ")


class SizeClass(models.Model):
    """How much waste a hotspot holds, with an estimated mass range (organisers edit)."""

    key = models.SlugField(_("mã"), max_length=30, unique=True)
    label = models.CharField(_("tên"), max_length=100)
    label_en = models.CharField(_("tên tiếng Anh"), max_length=100, blank=True)
    min_kg = models.PositiveIntegerField(_("khối lượng tối thiểu (kg)"))
    max_kg = models.PositiveIntegerField(_("khối lượng tối đa (kg)"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("cỡ điểm nóng")
        verbose_name_plural = _("cỡ điểm nóng")
        ordering = ["order", "min_kg"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_kg__gte=models.F("min_kg")),
                name="hotspots_sizeclass_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def estimated_kg(self) -> float:
        """Return the middle of the range: the mass the priority score assumes."""
        return (self.min_kg + self.max_kg) / 2


class Hotspot(models.Model):
    """A place where waste has piled up, reported by a resident or another channel."""

    location = models.PointField(_("vị trí"), srid=WGS84)
    outline = models.PolygonField(
        _("phạm vi"),
        srid=WGS84,
        null=True,
        blank=True,
        help_text=_("Vùng ô nhiễm dạng mảng, ví dụ thảm bèo hay một đoạn kênh."),
    )
    category = models.CharField(_("loại"), max_length=20, choices=Category.choices)
    size_class = models.ForeignKey(
        SizeClass, verbose_name=_("cỡ"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("mô tả"), blank=True, max_length=2000)
    accuracy_m = models.FloatField(_("độ chính xác vị trí (m)"), null=True, blank=True)
    location_source = models.CharField(
        _("nguồn vị trí"),
        max_length=10,
        choices=LocationSource.choices,
        default=LocationSource.PIN,
    )
    areas = models.ManyToManyField(
        "geo.AdminArea", verbose_name=_("đơn vị hành chính"), related_name="hotspots"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người báo cáo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hotspots_reported",
    )
    channel = models.CharField(_("kênh"), max_length=20, default="web")
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.REPORTED
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("trùng với"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    priority = models.BooleanField(_("ưu tiên"), default=False)
    recurrence_count = models.PositiveIntegerField(_("số lần tái xuất hiện"), default=0)
    confirmation_count = models.PositiveIntegerField(_("số xác nhận"), default=0)
    # Stored for ordering and maps; recomputed by services.hotspot_rescore.
    score = models.FloatField(_("điểm ưu tiên"), default=0, db_index=True)
    # H3 cells of the location (geo.cells), set with it: the hexagon rollups'
    # keys (maps.models).
    h3_7 = models.BigIntegerField(
        _("ô H3 cấp 7"), null=True, blank=True, editable=False, db_index=True
    )
    h3_8 = models.BigIntegerField(
        _("ô H3 cấp 8"), null=True, blank=True, editable=False, db_index=True
    )
    h3_9 = models.BigIntegerField(
        _("ô H3 cấp 9"), null=True, blank=True, editable=False, db_index=True
    )
    # The secret in the "follow your report" link given to anonymous reporters.
    follow_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("thời điểm báo cáo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = HotspotQuerySet.as_manager()

    class Meta:
        verbose_name = _("điểm nóng")
        verbose_name_plural = _("điểm nóng")
        ordering = ["-score", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(location__isvalid=True)
                & (models.Q(outline__isnull=True) | models.Q(outline__isvalid=True)),
                name="hotspots_hotspot_geometry_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="duplicate", duplicate_of__isnull=False)
                | (~models.Q(status="duplicate") & models.Q(duplicate_of__isnull=True)),
                name="hotspots_hotspot_duplicate_has_target",
            ),
            models.CheckConstraint(
                condition=models.Q(accuracy_m__isnull=True)
                | models.Q(accuracy_m__gte=0),
                name="hotspots_hotspot_accuracy_nonnegative",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-score"]),
            # The list's order (selectors.LIST_ORDER) exactly: the API's keyset
            # pages are range scans of it. Not partial: organisers and reporters
            # list more than the public statuses, and the status filter is cheap.
            models.Index(
                fields=["-score", "-created_at", "id"], name="hotspots_list_keyset_idx"
            ),
            # Reports of a day or a week (the heatmap's periods, maps.selectors).
            models.Index(fields=["created_at"], name="hotspots_hotspot_created_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("hotspots:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


class ReporterContact(models.Model):
    """Contact details an anonymous reporter chose to give, with their consent.

    Personal data: kept apart from the hotspot, never in public output, deleted
    on request (the hotspot itself stays).
    """

    # One per report: a reopened hotspot may have several reporters who left details.
    hotspot = models.ForeignKey(
        Hotspot, on_delete=models.CASCADE, related_name="reporter_contacts"
    )
    name = models.CharField(_("họ tên"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    consent_at = models.DateTimeField(_("thời điểm đồng ý"))
    notice_version = models.CharField(_("phiên bản thông báo"), max_length=20)

    class Meta:
        verbose_name = _("liên hệ người báo cáo")
        verbose_name_plural = _("liên hệ người báo cáo")

    def __str__(self) -> str:
        return f"#{self.hotspot_id}"


class ReportReceipt(models.Model):
    """The client's UUID for one report: an offline phone that retries gets the same
    hotspot back instead of creating a second one (also when the report reopened one)."""

    client_uuid = models.UUIDField(unique=True)
    hotspot = models.ForeignKey(
        Hotspot, on_delete=models.CASCADE, related_name="receipts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("biên nhận báo cáo")
        verbose_name_plural = _("biên nhận báo cáo")

    def __str__(self) -> str:
        return str(self.client_uuid)


class HotspotPhoto(models.Model):
    """A photo, re-encoded without metadata and stored under a server-made name."""

    hotspot = models.ForeignKey(
        Hotspot, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("ảnh"), max_length=200)
    thumbnail = models.FileField(_("ảnh thu nhỏ"), max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # A photo that came with a report reopening a public (cleaned) hotspot: the
    # hotspot is public at once, its new photos only once an organiser reviewed
    # them. A new report's photos need no flag: the report itself is not public
    # until verified.
    pending = models.BooleanField(_("chờ duyệt"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HotspotPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("ảnh điểm nóng")
        verbose_name_plural = _("ảnh điểm nóng")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.image.name


class Confirmation(models.Model):
    """Another resident saying "I see it too"; one per person (or browser) per hotspot."""

    hotspot = models.ForeignKey(
        Hotspot, on_delete=models.CASCADE, related_name="confirmations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # For anonymous confirmations: a keyed hash of the session, not the session itself.
    anon_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("xác nhận")
        verbose_name_plural = _("xác nhận")
        constraints = [
            models.UniqueConstraint(
                fields=["hotspot", "user"],
                condition=models.Q(user__isnull=False),
                name="hotspots_confirmation_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["hotspot", "anon_key"],
                condition=~models.Q(anon_key=""),
                name="hotspots_confirmation_once_per_browser",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.hotspot_id}"


class Action(models.TextChoices):
    REPORT = "report", _("Báo cáo")
    CONFIRM = "confirm", _("Xác nhận")
    VERIFY = "verify", _("Xác minh")
    REJECT = "reject", _("Từ chối")
    MERGE = "merge", _("Gộp trùng lặp")
    ABSORB = "absorb", _("Nhận gộp")
    PRIORITY = "priority", _("Đặt ưu tiên")
    CORRECT = "correct", _("Sửa thông tin")
    CLEAN = "clean", _("Thu gom")
    UNCLEAN = "unclean", _("Huỷ thu gom")
    REOPEN = "reopen", _("Tái xuất hiện")
    PHOTOS_APPROVE = "photos_approve", _("Duyệt ảnh mới")
    PHOTOS_REJECT = "photos_reject", _("Bỏ ảnh mới")


class HotspotHistory(models.Model):
    """One immutable line of a hotspot's history: who, when, what, from, to, why."""

    hotspot = models.ForeignKey(
        Hotspot, on_delete=models.CASCADE, related_name="history"
    )
    action = models.CharField(_("hành động"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    from_status = models.CharField(_("từ"), max_length=20, blank=True)
    to_status = models.CharField(_("sang"), max_length=20, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    details = models.JSONField(_("chi tiết"), default=dict, blank=True)
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lịch sử điểm nóng")
        verbose_name_plural = _("lịch sử điểm nóng")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"#{self.hotspot_id} {self.action}"

    @property
    def to_status_label(self) -> str:
        return Status(self.to_status).label if self.to_status in Status.values else ""
