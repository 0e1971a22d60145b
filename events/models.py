import datetime as dt

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.defaults import plausibility_defaults, scoring_defaults
from geo.spatial import WGS84


class Phase(models.TextChoices):
    PREPARATION = "preparation", _("Chuẩn bị")
    REGISTRATION = "registration", _("Đăng ký")
    ACTIVITY = "activity", _("Đang thi")
    JUDGING = "judging", _("Chấm giải")
    RESULTS = "results", _("Công bố kết quả")


# A campaign's dates lie in these years (both included): a year 0001 or 9999 is a
# typing slip, and the dashboard and the phase logic would span centuries.
CAMPAIGN_DATE_MIN = dt.date(2000, 1, 1)
CAMPAIGN_DATE_MAX = dt.date(2100, 12, 31)
CAMPAIGN_DATES = (
    "registration_start",
    "registration_end",
    "activity_start",
    "activity_end",
    "judging_end",
    "results_date",
)
# (earlier, later): the later date may equal the earlier one, never precede it.
# Registration opens no later than the activity starts (it may stay open while
# the activity runs); judging ends, and results come, no earlier than the end of
# the activity; results come no earlier than the end of judging.
CAMPAIGN_DATE_ORDER = (
    ("registration_start", "registration_end"),
    ("activity_start", "activity_end"),
    ("registration_start", "activity_start"),
    ("activity_end", "judging_end"),
    ("activity_end", "results_date"),
    ("judging_end", "results_date"),
)


def _date_bounds() -> models.Q:
    condition = models.Q()
    for name in CAMPAIGN_DATES:
        within = models.Q(**{f"{name}__range": (CAMPAIGN_DATE_MIN, CAMPAIGN_DATE_MAX)})
        if name in ("judging_end", "results_date"):  # optional
            within |= models.Q(**{f"{name}__isnull": True})
        condition &= within
    return condition


def _dates_ordered() -> models.Q:
    condition = models.Q()
    for earlier, later in CAMPAIGN_DATE_ORDER[2:]:  # the windows have their own
        ordered = models.Q(**{f"{later}__gte": models.F(earlier)})
        for name in (earlier, later):
            if name in ("judging_end", "results_date"):
                ordered |= models.Q(**{f"{name}__isnull": True})
        condition &= ordered
    return condition


class Campaign(models.Model):
    """One edition of the contest: its windows, rules, prizes, weights and thresholds.

    Windows are calendar dates in Asia/Ho_Chi_Minh, both ends included.
    """

    name = models.CharField(_("tên"), max_length=200)
    slug = models.SlugField(_("mã"), max_length=80, unique=True)
    theme = models.CharField(_("chủ đề"), max_length=300, blank=True)
    rules = models.TextField(_("thể lệ"), blank=True)
    registration_start = models.DateField(_("mở đăng ký"))
    registration_end = models.DateField(_("đóng đăng ký"))
    activity_start = models.DateField(_("bắt đầu cuộc thi"))
    activity_end = models.DateField(_("kết thúc cuộc thi"))
    judging_end = models.DateField(_("kết thúc chấm giải"), null=True, blank=True)
    results_date = models.DateField(_("công bố kết quả"), null=True, blank=True)
    phase_override = models.CharField(
        _("giai đoạn (đặt tay)"),
        max_length=20,
        choices=Phase.choices,
        blank=True,
        help_text=_("Để trống: giai đoạn tính theo ngày."),
    )
    coverage_level = models.SlugField(
        _("cấp địa bàn tính độ phủ"), max_length=40, default="district"
    )
    scoring = models.JSONField(_("trọng số chấm điểm"), default=scoring_defaults)
    plausibility = models.JSONField(_("ngưỡng cảnh báo"), default=plausibility_defaults)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chiến dịch")
        verbose_name_plural = _("chiến dịch")
        ordering = ["-activity_start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    registration_end__gte=models.F("registration_start")
                ),
                name="events_campaign_registration_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(activity_end__gte=models.F("activity_start")),
                name="events_campaign_activity_ordered",
            ),
            models.CheckConstraint(
                condition=_date_bounds(),
                name="events_campaign_date_bounds",
                violation_error_message=_(
                    "Các ngày của chiến dịch phải từ 01/01/2000 đến 31/12/2100."
                ),
            ),
            models.CheckConstraint(
                condition=_dates_ordered(),
                name="events_campaign_dates_ordered",
                violation_error_message=_(
                    "Các mốc phải theo thứ tự: đăng ký ≤ cuộc thi ≤ chấm giải ≤ "
                    "công bố kết quả."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:campaign", args=[self.slug])

    def clean(self) -> None:
        """Refuse a date outside 2000-2100 or out of order, naming the field."""
        errors: dict[str, ValidationError] = {}
        for name in CAMPAIGN_DATES:
            value = getattr(self, name)
            if isinstance(value, dt.date) and not (
                CAMPAIGN_DATE_MIN <= value <= CAMPAIGN_DATE_MAX
            ):
                errors[name] = ValidationError(
                    _("%(field)s phải từ 01/01/2000 đến 31/12/2100."),
                    code="date_out_of_bounds",
                    params={"field": self._meta.get_field(name).verbose_name},
                )
        # The windows' own order (the first two pairs) is the services' message
        # (campaign_validate) and an older constraint; here, the order across them.
        for earlier, later in CAMPAIGN_DATE_ORDER[2:]:
            first, second = getattr(self, earlier), getattr(self, later)
            if earlier in errors or later in errors:
                continue
            if isinstance(first, dt.date) and isinstance(second, dt.date):
                if second < first:
                    errors[later] = ValidationError(
                        _("%(later)s không được trước %(earlier)s."),
                        code="dates_out_of_order",
                        params={
                            "later": self._meta.get_field(later).verbose_name,
                            "earlier": self._meta.get_field(earlier).verbose_name,
                        },
                    )
        if errors:
            raise ValidationError(errors)

    def phase_on(self, day: dt.date) -> str:
        """Return the phase on a day: the override, else from the dates."""
        if self.phase_override:
            return self.phase_override
        if day < self.registration_start and day < self.activity_start:
            return Phase.PREPARATION
        if self.activity_start <= day <= self.activity_end:
            return Phase.ACTIVITY
        if self.registration_start <= day <= self.registration_end:
            return Phase.REGISTRATION
        if day < self.activity_start:
            return Phase.PREPARATION
        if self.results_date and day >= self.results_date:
            return Phase.RESULTS
        return Phase.JUDGING

    @property
    def phase(self) -> str:
        return self.phase_on(timezone.localdate())

    def registration_open_on(self, day: dt.date) -> bool:
        return self.registration_start <= day <= self.registration_end

    def activity_open_on(self, day: dt.date) -> bool:
        return self.activity_start <= day <= self.activity_end

    @property
    def areas_on(self) -> dt.date:
        """The day whose administrative units (geo AdminArea validity) the
        campaign's coverage uses: its last activity day. Every event of the
        campaign is linked to the units in force then (a row links to the units
        not yet ended on its day), so a campaign across a reorganisation counts
        all its events in the new units."""
        return self.activity_end


class PrizeCategory(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class Prize(models.Model):
    """A line of a campaign's prize table: e.g. 2 × second prize × 2,000,000 VND."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="prizes"
    )
    category = models.CharField(
        _("hạng mục"), max_length=20, choices=PrizeCategory.choices
    )
    rank = models.PositiveSmallIntegerField(_("thứ hạng"))
    label = models.CharField(_("tên giải"), max_length=100)
    count = models.PositiveSmallIntegerField(_("số giải"))
    amount_vnd = models.PositiveBigIntegerField(_("trị giá (VND)"))

    class Meta:
        verbose_name = _("giải thưởng")
        verbose_name_plural = _("giải thưởng")
        ordering = ["campaign", "category", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "category", "rank"], name="events_prize_unique_rank"
            ),
            models.CheckConstraint(
                condition=models.Q(count__gte=1), name="events_prize_count"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} × {self.count}"


class CampaignRole(models.Model):
    """A person's role in one campaign's organisation (they may not enter it)."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Ban Tổ chức")
        JUDGE = "judge", _("Ban Giám khảo")
        SECRETARY = "secretary", _("Thư ký")
        HELPER = "helper", _("Tổ giúp việc")
        IOC = "ioc", _("Trung tâm IOC")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="staff"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="campaign_roles",
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò trong chiến dịch")
        verbose_name_plural = _("vai trò trong chiến dịch")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "user", "role"], name="events_campaignrole_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role}"


class EntrantKind(models.TextChoices):
    TEAM = "team", _("Đội / nhóm")
    ORGANISATION = "organisation", _("Tổ chức")
    UNIT = "unit", _("Đơn vị")
    INDIVIDUAL = "individual", _("Cá nhân")


COLLECTIVE_KINDS = (EntrantKind.TEAM, EntrantKind.ORGANISATION, EntrantKind.UNIT)


class EntrantStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Bị từ chối")


class Entrant(models.Model):
    """A team, organisation, unit or individual entered in a campaign by its representative."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="entrants"
    )
    kind = models.CharField(_("hình thức"), max_length=20, choices=EntrantKind.choices)
    name = models.CharField(_("tên đội / đơn vị"), max_length=200)
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đại diện"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="entrants",
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=EntrantStatus.choices,
        default=EntrantStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    decision_reason = models.TextField(_("lý do"), blank=True)
    registered_at = models.DateTimeField(_("đăng ký lúc"), default=timezone.now)
    deletion_requested_at = models.DateTimeField(
        _("yêu cầu xoá dữ liệu lúc"), null=True, blank=True
    )
    anonymised_at = models.DateTimeField(_("đã ẩn danh lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đội thi")
        verbose_name_plural = _("đội thi")
        ordering = ["campaign", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "representative"],
                condition=models.Q(representative__isnull=False),
                name="events_entrant_one_per_representative",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:entrant", args=[self.pk])

    @property
    def is_collective(self) -> bool:
        return self.kind in COLLECTIVE_KINDS

    @property
    def registered_on(self) -> dt.date:
        return timezone.localtime(self.registered_at).date()


class RepresentativeContact(models.Model):
    """The representative's contact data (personal data: never public)."""

    entrant = models.OneToOneField(
        Entrant, on_delete=models.CASCADE, related_name="contact"
    )
    full_name = models.CharField(_("họ tên"), max_length=200)
    date_of_birth = models.DateField(_("ngày sinh"))
    organisation = models.CharField(_("đơn vị / tổ chức"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20)
    email = models.EmailField(_("email"))

    class Meta:
        verbose_name = _("liên hệ người đại diện")
        verbose_name_plural = _("liên hệ người đại diện")

    def __str__(self) -> str:
        return f"#{self.entrant_id}"


class Member(models.Model):
    """A member of an entrant (personal data: never public)."""

    entrant = models.ForeignKey(
        Entrant, on_delete=models.CASCADE, related_name="members"
    )
    full_name = models.CharField(_("họ tên"), max_length=200)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("thành viên")
        verbose_name_plural = _("thành viên")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.full_name


class ConsentPurpose(models.TextChoices):
    PARTICIPATION = "participation", _("Tham gia cuộc thi")
    CONTACT = "contact", _("Được liên hệ")
    PUBLISH = "publish", _("Công khai tên và kết quả")


class Consent(models.Model):
    """One answer to one consent question, with the notice version and time."""

    entrant = models.ForeignKey(
        Entrant, on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(
        _("mục đích"), max_length=20, choices=ConsentPurpose.choices
    )
    granted = models.BooleanField(_("đồng ý"))
    notice_version = models.CharField(_("phiên bản thông báo"), max_length=20)
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự đồng ý")
        verbose_name_plural = _("sự đồng ý")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.purpose}={self.granted}"


class WeightMethod(models.TextChoices):
    MEASURED = "measured", _("Cân đo")
    ESTIMATED = "estimated", _("Ước tính")


class EventStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Đã nộp")
    APPROVED = "approved", _("Đã duyệt")
    ADJUSTED = "adjusted", _("Đã điều chỉnh")
    REJECTED = "rejected", _("Bị loại")
    # The jury asked the team for more before deciding: not decided yet, like
    # submitted (no verified figure, so it counts for nothing in the standings).
    NEEDS_INFO = "needs_info", _("Cần bổ sung thông tin")


# Events whose figures the jury accepted (approved as is, or with adjusted
# figures): only their current decision's verified kilograms count.
VERIFIED_EVENT_STATUSES = (EventStatus.APPROVED, EventStatus.ADJUSTED)


class CleanupEvent(models.Model):
    """A cleanup an approved entrant organised: where, when, who, how much."""

    entrant = models.ForeignKey(
        Entrant, on_delete=models.PROTECT, related_name="events"
    )
    title = models.CharField(_("tên sự kiện"), max_length=200)
    location = models.PointField(_("vị trí"), srid=WGS84)
    outline = models.PolygonField(
        _("vùng đã làm sạch"), srid=WGS84, null=True, blank=True
    )
    route = models.LineStringField(
        _("tuyến đã làm sạch"), srid=WGS84, null=True, blank=True
    )
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
    started_at = models.DateTimeField(_("bắt đầu"))
    ended_at = models.DateTimeField(_("kết thúc"))
    weight_kg = models.DecimalField(
        _("tổng khối lượng (kg)"), max_digits=9, decimal_places=2
    )
    weight_method = models.CharField(
        _("cách xác định khối lượng"), max_length=20, choices=WeightMethod.choices
    )
    plastic_kg = models.DecimalField(
        _("nhựa (kg)"), max_digits=9, decimal_places=2, default=0
    )
    water_hyacinth_kg = models.DecimalField(
        _("bèo lục bình (kg)"), max_digits=9, decimal_places=2, default=0
    )
    other_kg = models.DecimalField(
        _("rác khác (kg)"), max_digits=9, decimal_places=2, default=0
    )
    bags = models.PositiveIntegerField(_("số bao"), default=0)
    notes = models.TextField(_("ghi chú"), blank=True, max_length=4000)
    hotspots = models.ManyToManyField(
        "hotspots.Hotspot",
        verbose_name=_("điểm nóng đã làm sạch"),
        blank=True,
        related_name="cleanup_events",
    )
    areas = models.ManyToManyField(
        "geo.AdminArea",
        verbose_name=_("đơn vị hành chính"),
        related_name="cleanup_events",
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=EventStatus.choices,
        default=EventStatus.SUBMITTED,
    )
    # The latest jury decision (its figures are the verified ones); set by the
    # judging service under a row lock.
    current_decision = models.ForeignKey(
        "EventDecision",
        verbose_name=_("quyết định hiện hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sự kiện thu gom")
        verbose_name_plural = _("sự kiện thu gom")
        ordering = ["-started_at"]
        # Lists order by it; periods (heat, exports) filter on it.
        indexes = [models.Index(fields=["started_at"], name="events_started_at_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_at__gt=models.F("started_at")),
                name="events_cleanupevent_time_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(weight_kg__gte=0)
                & models.Q(plastic_kg__gte=0)
                & models.Q(water_hyacinth_kg__gte=0)
                & models.Q(other_kg__gte=0),
                name="events_cleanupevent_weights_nonnegative",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    weight_kg__gte=models.F("plastic_kg")
                    + models.F("water_hyacinth_kg")
                    + models.F("other_kg")
                ),
                name="events_cleanupevent_breakdown_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event", args=[self.pk])

    @property
    def duration_hours(self) -> float:
        return (self.ended_at - self.started_at).total_seconds() / 3600


class Participant(models.Model):
    """Someone who actually took part in an event (personal data: never public)."""

    event = models.ForeignKey(
        CleanupEvent, on_delete=models.CASCADE, related_name="participants"
    )
    full_name = models.CharField(_("họ tên"), max_length=200)
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("người tham gia")
        verbose_name_plural = _("người tham gia")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.full_name


class PhotoKind(models.TextChoices):
    BEFORE = "before", _("Trước")
    AFTER = "after", _("Sau")


class EventPhoto(models.Model):
    """A before or after photo, through the same pipeline as hotspot photos."""

    event = models.ForeignKey(
        CleanupEvent, on_delete=models.CASCADE, related_name="photos"
    )
    kind = models.CharField(_("loại ảnh"), max_length=10, choices=PhotoKind.choices)
    image = models.FileField(_("ảnh"), max_length=200)
    thumbnail = models.FileField(_("ảnh thu nhỏ"), max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # Perceptual hash (hex) to spot the same photo reused in two events.
    phash = models.CharField(max_length=32, blank=True, db_index=True)
    # Set when the team sent the photo in answer to the jury's request.
    info_request = models.ForeignKey(
        "EventInfoRequest",
        verbose_name=_("bổ sung cho yêu cầu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="photos",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ảnh sự kiện")
        verbose_name_plural = _("ảnh sự kiện")
        ordering = ["-kind", "id"]  # "before" photos first

    def __str__(self) -> str:
        return self.image.name


class EventReceipt(models.Model):
    """The client's UUID for one event submission (a retry returns the same event)."""

    client_uuid = models.UUIDField(unique=True)
    event = models.ForeignKey(CleanupEvent, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("biên nhận sự kiện")
        verbose_name_plural = _("biên nhận sự kiện")

    def __str__(self) -> str:
        return str(self.client_uuid)


# --- judging -------------------------------------------------------------------


class Verdict(models.TextChoices):
    APPROVE = "approve", _("Duyệt")
    ADJUST = "adjust", _("Điều chỉnh")
    REJECT = "reject", _("Loại")


class EventDecision(models.Model):
    """One judge's decision on one event: an immutable line of the audit trail.

    The event's current verified figures are those of its latest decision
    (CleanupEvent.current_decision, set under a row lock by the judging service).
    """

    event = models.ForeignKey(
        CleanupEvent, on_delete=models.PROTECT, related_name="decisions"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("giám khảo"),
        on_delete=models.PROTECT,
        related_name="event_decisions",
    )
    verdict = models.CharField(_("quyết định"), max_length=10, choices=Verdict.choices)
    verified_weight_kg = models.DecimalField(
        _("khối lượng xác nhận (kg)"), max_digits=9, decimal_places=2
    )
    verified_plastic_kg = models.DecimalField(max_digits=9, decimal_places=2)
    verified_water_hyacinth_kg = models.DecimalField(max_digits=9, decimal_places=2)
    verified_other_kg = models.DecimalField(max_digits=9, decimal_places=2)
    verified_method = models.CharField(max_length=20, choices=WeightMethod.choices)
    reason = models.TextField(_("lý do"), blank=True)
    # The figures before and after this decision, as the judge saw them.
    before = models.JSONField(_("trước"), default=dict)
    after = models.JSONField(_("sau"), default=dict)
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định chấm")
        verbose_name_plural = _("quyết định chấm")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(verified_weight_kg__gte=0)
                & models.Q(verified_plastic_kg__gte=0)
                & models.Q(verified_water_hyacinth_kg__gte=0)
                & models.Q(verified_other_kg__gte=0),
                name="events_eventdecision_weights_nonnegative",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    verified_weight_kg__gte=models.F("verified_plastic_kg")
                    + models.F("verified_water_hyacinth_kg")
                    + models.F("verified_other_kg")
                ),
                name="events_eventdecision_breakdown_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(verdict="approve") | ~models.Q(reason=""),
                name="events_eventdecision_reason_required",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.event_id} {self.verdict}"

    def save(self, *args, **kwargs):
        # Immutable: the audit trail is only ever added to.
        if self.pk is not None:
            raise ValueError("EventDecision rows are immutable")
        super().save(*args, **kwargs)


INFO_MESSAGE_MAX_LENGTH = 2000


class EventInfoRequest(models.Model):
    """The jury asking the team for more information, and the team's answer.

    One row per request; the answer fields are filled once, by the team's
    representative (events.judging.services). At most one open request per event.
    """

    event = models.ForeignKey(
        CleanupEvent, on_delete=models.PROTECT, related_name="info_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    message = models.TextField(
        _("nội dung cần bổ sung"), max_length=INFO_MESSAGE_MAX_LENGTH
    )
    requested_at = models.DateTimeField(_("lúc yêu cầu"), auto_now_add=True)
    answer_note = models.TextField(
        _("ghi chú bổ sung"), max_length=INFO_MESSAGE_MAX_LENGTH, blank=True
    )
    # SET_NULL: the representative may delete their account (the answer stays).
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người bổ sung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("lúc bổ sung"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu bổ sung thông tin")
        verbose_name_plural = _("yêu cầu bổ sung thông tin")
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(message=""),
                name="events_eventinforequest_message_required",
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=False)
                | models.Q(answered_by__isnull=True, answer_note=""),
                name="events_eventinforequest_answer_dated",
            ),
            models.UniqueConstraint(
                fields=["event"],
                condition=models.Q(answered_at__isnull=True),
                name="events_eventinforequest_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.event_id} {self.requested_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class JudgeProfile(models.Model):
    """What a judge declares for conflicts of interest: their organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="judge_profile"
    )
    organisation = models.CharField(_("đơn vị / tổ chức"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hồ sơ giám khảo")
        verbose_name_plural = _("hồ sơ giám khảo")

    def __str__(self) -> str:
        return str(self.user)


class ConflictDeclaration(models.Model):
    """A judge's declared link to an entrant: they may not review its events."""

    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts"
    )
    entrant = models.ForeignKey(
        Entrant, on_delete=models.CASCADE, related_name="conflicts"
    )
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khai báo xung đột lợi ích")
        verbose_name_plural = _("khai báo xung đột lợi ích")
        constraints = [
            models.UniqueConstraint(
                fields=["judge", "entrant"], name="events_conflict_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.judge} ~ {self.entrant}"


class TieBreak(models.Model):
    """The jury's order for entrants still tied at a prize boundary (recorded, not edited)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="tie_breaks"
    )
    category = models.CharField(
        _("hạng mục"), max_length=20, choices=PrizeCategory.choices
    )
    # Entrant ids, best first.
    order = models.JSONField(_("thứ tự"))
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tie_breaks"
    )
    reason = models.TextField(_("lý do"))
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định đồng hạng")
        verbose_name_plural = _("quyết định đồng hạng")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.campaign} {self.category} {self.order}"


POINTS = {"max_digits": 30, "decimal_places": 2}  # scoring rounds points to the cent


class EventPoints(models.Model):
    """An event's points as scoring computed them from its current inputs.

    Derived data: written by events.results.points in the transaction of every
    change to a scoring input (the decision, the event, a claimed hotspot's
    priority flag, the campaign's weights); `manage.py standings --check` proves
    it equals a full recomputation. Only events of approved entrants are scored.
    """

    event = models.OneToOneField(
        CleanupEvent, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    entrant = models.ForeignKey(Entrant, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(_("điểm"), **POINTS)
    priority_weighted_kg = models.DecimalField(**POINTS)
    # The breakdown: scoring.Line JSON (code, params, value), worded on display.
    lines = models.JSONField(default=list)

    class Meta:
        verbose_name = _("điểm của sự kiện")
        verbose_name_plural = _("điểm của sự kiện")

    def __str__(self) -> str:
        return f"#{self.event_id}: {self.points}"


class EntrantStanding(models.Model):
    """An approved entrant's totals and tie-break keys, so ranking is an ORDER BY.

    Derived data like EventPoints (same writer, same check); the rank itself is
    computed by the query (a window over the category), never stored.
    """

    entrant = models.OneToOneField(
        Entrant, on_delete=models.CASCADE, primary_key=True, related_name="standing"
    )
    # Indexed first in events_standing_rank, so no index of its own.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    category = models.CharField(max_length=20, choices=PrizeCategory.choices)
    points = models.DecimalField(_("điểm"), **POINTS)
    event_points = models.DecimalField(**POINTS)
    coverage_bonus = models.DecimalField(**POINTS)
    areas = models.PositiveIntegerField()
    priority_weighted_kg = models.DecimalField(**POINTS)
    # The end of the latest scoring event (an earlier one ranks first); None
    # without any, and then last on this key.
    last_event_end = models.DateTimeField(null=True, blank=True)
    events = models.PositiveIntegerField()
    # The entrant's own lines (events, coverage): scoring.Line JSON.
    lines = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thứ hạng của đội thi")
        verbose_name_plural = _("thứ hạng của đội thi")
        indexes = [
            # The ranking's order (events.results.scoring.rank), entrant id last.
            models.Index(
                "campaign",
                "category",
                models.F("points").desc(),
                models.F("priority_weighted_kg").desc(),
                models.F("areas").desc(),
                models.F("last_event_end").asc(nulls_last=True),
                "entrant",
                name="events_standing_rank",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.entrant_id}: {self.points}"

    @property
    def tied_with(self) -> tuple[int, ...]:
        """The other entrants with the same keys, ascending (from the `tied`
        annotation of events.results.selectors.ranking)."""
        return tuple(sorted(i for i in self.tied if i != self.entrant_id))


class ResultFreeze(models.Model):
    """A frozen snapshot of a campaign's inputs and results.

    Results are read from the latest freeze that was not reopened; later edits to
    events change nothing until an organiser reopens judging (recorded here).
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="freezes"
    )
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    frozen_at = models.DateTimeField(_("chốt lúc"), auto_now_add=True)
    snapshot = models.JSONField(_("dữ liệu chốt"))
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("mở lại lúc"), null=True, blank=True)
    reopen_reason = models.TextField(_("lý do mở lại"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("bản chốt kết quả")
        verbose_name_plural = _("bản chốt kết quả")
        ordering = ["-frozen_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign} @ {self.frozen_at:%Y-%m-%d %H:%M}"


class Certificate(models.Model):
    """A prize winner's certificate (Giấy chứng nhận), verifiable by its short code."""

    code = models.CharField(_("mã"), max_length=16, unique=True)
    freeze = models.ForeignKey(
        ResultFreeze, on_delete=models.PROTECT, related_name="certificates"
    )
    entrant = models.ForeignKey(
        Entrant, on_delete=models.PROTECT, related_name="certificates"
    )
    category = models.CharField(
        _("hạng mục"), max_length=20, choices=PrizeCategory.choices
    )
    prize_rank = models.PositiveSmallIntegerField(_("thứ hạng giải"))
    prize_label = models.CharField(_("giải"), max_length=100)
    amount_vnd = models.PositiveBigIntegerField(_("trị giá (VND)"))
    entrant_name = models.CharField(_("tên trên giấy chứng nhận"), max_length=200)
    issued_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận")
        ordering = ["category", "prize_rank", "id"]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", args=[self.code])
