from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from .spatial import WGS84


class AdminArea(models.Model):
    """An administrative area (province, district, commune, ... any level label)."""

    name = models.CharField(_("tên"), max_length=200, help_text=_("Unicode NFC."))
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    code = models.CharField(_("mã"), max_length=50, blank=True)
    level = models.SlugField(
        _("cấp"), max_length=40, help_text=_("Nhãn cấp: province, district, commune…")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cha"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    geom = models.MultiPolygonField(_("ranh giới"), srid=WGS84)
    # Computed on the spheroid by geo.services; never typed in.
    area_km2 = models.FloatField(_("diện tích (km²)"), default=0, editable=False)
    approximate = models.BooleanField(
        _("ranh giới gần đúng"),
        default=False,
        help_text=_("Hình dạng minh hoạ, không phải ranh giới chính thức."),
    )
    source = models.CharField(_("nguồn"), max_length=255, blank=True)
    # The days the unit exists, [valid_from, valid_to): the first day it is in
    # force and the first day it no longer is (Vietnam's units reorganised on
    # 1 July 2025: the old ones end, the new ones start, on that day). Empty:
    # open on that side. Campaigns read the units valid on their last activity
    # day; rows link to the units not yet ended on their own day (geo.selectors).
    valid_from = models.DateField(
        _("hiệu lực từ"),
        null=True,
        blank=True,
        help_text=_("Ngày đầu tiên đơn vị có hiệu lực; để trống: từ trước."),
    )
    valid_to = models.DateField(
        _("hết hiệu lực từ"),
        null=True,
        blank=True,
        help_text=_("Ngày đầu tiên đơn vị không còn hiệu lực; để trống: vẫn còn."),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=~models.Q(code=""),
                name="geo_adminarea_level_code_unique",
            ),
            models.UniqueConstraint(
                fields=["level", "name"],
                condition=models.Q(code=""),
                name="geo_adminarea_level_name_unique_without_code",
            ),
            models.CheckConstraint(
                condition=models.Q(geom__isvalid=True), name="geo_adminarea_geom_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(area_km2__gte=0),
                name="geo_adminarea_area_nonnegative",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
                name="geo_adminarea_validity_ordered",
            ),
        ]
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return self.name

    def valid_on(self, day) -> bool:
        """Return whether the unit is in force on the day."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )


class AdminAreaPart(models.Model):
    """A piece of an area's boundary (ST_Subdivide, at most 255 vertices).

    Point-in-polygon on small pieces is several times faster than on large,
    detailed boundaries; rebuilt by geo.services whenever an area's geometry changes.
    """

    area = models.ForeignKey(AdminArea, on_delete=models.CASCADE, related_name="parts")
    geom = models.PolygonField(srid=WGS84)

    class Meta:
        verbose_name = _("mảnh ranh giới")
        verbose_name_plural = _("mảnh ranh giới")

    def __str__(self) -> str:
        return f"{self.area_id}:{self.pk}"
