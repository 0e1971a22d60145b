"""The contest in the admin: campaigns are edited here; entrants and events are
read-mostly (approval goes through the registration queue, events through the
API and the jury's pages, so their rules always run)."""

from django import forms
from django.contrib.gis import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_access import RoleAdminMixin
from accounts.roles import Role, has_role
from events.models import (
    Campaign,
    CampaignRole,
    CleanupEvent,
    Consent,
    Entrant,
    EventPhoto,
    Member,
    Participant,
    Phase,
    Prize,
    RepresentativeContact,
)

# Contact data and participant names: organisers only (helpers run the software
# but do not need the people's data).
PERSONAL_DATA_ROLES = (Role.ORGANISER,)


def _numbers_only(value, name: str) -> None:
    if not isinstance(value, dict):
        raise forms.ValidationError(
            _("“%(name)s” phải là một đối tượng JSON.") % {"name": name}
        )
    for key, item in value.items():
        if isinstance(item, dict):
            _numbers_only(item, key)
        elif isinstance(item, bool) or not isinstance(item, (int, float)):
            raise forms.ValidationError(
                _("“%(key)s” phải là một số.") % {"key": key}, code="not_a_number"
            )
        elif not 0 <= item < float("inf"):
            raise forms.ValidationError(
                _("“%(key)s” phải là số hữu hạn không âm.") % {"key": key},
                code="out_of_range",
            )


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "slug",
            "theme",
            "rules",
            "registration_start",
            "registration_end",
            "activity_start",
            "activity_end",
            "judging_end",
            "results_date",
            "phase_override",
            "coverage_level",
            "scoring",
            "plausibility",
        ]

    def clean_scoring(self):
        value = self.cleaned_data["scoring"]
        _numbers_only(value, "scoring")
        return value

    def clean_plausibility(self):
        value = self.cleaned_data["plausibility"]
        _numbers_only(value, "plausibility")
        return value


class RoleInlineMixin:
    """RoleAdminMixin for inlines: what users with `admin_roles` may do in them.

    (Inlines check permissions on their own model, and their add check takes obj.)
    """

    admin_roles: tuple[str, ...] = (Role.ORGANISER, Role.HELPER)
    role_can: frozenset[str] = frozenset({"view"})

    def _may(self, request, action: str) -> bool:
        return action in self.role_can and any(
            has_role(request.user, role) for role in self.admin_roles
        )

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view") or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        allowed = self._may(request, "change")
        return allowed or super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, "add") or super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = self._may(request, "delete")
        return allowed or super().has_delete_permission(request, obj)


EDIT_ALL = frozenset({"view", "change", "add", "delete"})


class PrizeInline(RoleInlineMixin, admin.TabularInline):
    model = Prize
    role_can = EDIT_ALL
    extra = 0
    fields = ("category", "rank", "label", "count", "amount_vnd")


class CampaignRoleInline(RoleInlineMixin, admin.TabularInline):
    model = CampaignRole
    admin_roles = (Role.ORGANISER,)
    role_can = EDIT_ALL
    extra = 0
    # A user id box: organisers have no access to the user admin's lookups.
    raw_id_fields = ("user",)


@admin.register(Campaign)
class CampaignAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Next year's campaign is data: windows, rules, prizes, weights, thresholds."""

    form = CampaignForm
    list_display = (
        "name",
        "slug",
        "registration_start",
        "registration_end",
        "activity_start",
        "activity_end",
        "phase_label",
    )
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [PrizeInline, CampaignRoleInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "theme", "rules")}),
        (
            _("Các mốc thời gian"),
            {
                "fields": (
                    ("registration_start", "registration_end"),
                    ("activity_start", "activity_end"),
                    ("judging_end", "results_date"),
                    "phase_override",
                )
            },
        ),
        (
            _("Chấm điểm và cảnh báo"),
            {"fields": ("coverage_level", "scoring", "plausibility")},
        ),
    )

    @admin.display(description=_("giai đoạn"))
    def phase_label(self, obj) -> str:
        return Phase(obj.phase).label


@admin.register(CampaignRole)
class CampaignRoleAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Who organises, judges and helps in a campaign (they may not enter it)."""

    list_display = ("user", "role", "campaign")
    list_filter = ("campaign", "role")
    search_fields = ("user__username", "user__email", "user__phone")
    raw_id_fields = ("user",)
    admin_roles = (Role.ORGANISER,)
    can_delete = True


class ReadOnlyInline(RoleInlineMixin, admin.TabularInline):
    admin_roles = PERSONAL_DATA_ROLES
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ContactInline(RoleInlineMixin, admin.StackedInline):
    """Organisers correct a representative's contact data when asked to."""

    model = RepresentativeContact
    admin_roles = PERSONAL_DATA_ROLES
    role_can = frozenset({"view", "change"})
    extra = 0
    can_delete = False
    fields = ("full_name", "date_of_birth", "organisation", "phone", "email")


class MemberInline(RoleInlineMixin, admin.TabularInline):
    model = Member
    admin_roles = PERSONAL_DATA_ROLES
    role_can = frozenset({"view", "change"})
    extra = 0
    can_delete = False
    fields = ("full_name", "phone", "email")


class ConsentInline(ReadOnlyInline):
    """Consent records are evidence: never edited, never deleted here."""

    model = Consent
    fields = ("purpose", "granted", "notice_version", "at")
    readonly_fields = fields


@admin.register(Entrant)
class EntrantAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Read-mostly: approval and anonymisation go through the registration queue."""

    admin_roles = PERSONAL_DATA_ROLES
    can_add = False
    list_display = (
        "id",
        "name",
        "kind",
        "campaign",
        "status",
        "registered_at",
        "deletion_requested_at",
        "anonymised_at",
    )
    list_filter = ("campaign", "status", "kind")
    search_fields = ("name", "contact__full_name", "contact__phone", "contact__email")
    list_select_related = ("campaign",)
    readonly_fields = (
        "campaign",
        "kind",
        "representative",
        "status",
        "decided_by",
        "decided_at",
        "decision_reason",
        "registered_at",
        "deletion_requested_at",
        "anonymised_at",
    )
    fields = ("name", *readonly_fields)
    inlines = [ContactInline, MemberInline, ConsentInline]


class ParticipantInline(ReadOnlyInline):
    model = Participant
    fields = ("full_name", "member")
    readonly_fields = fields


class PhotoInline(ReadOnlyInline):
    model = EventPhoto
    fields = ("kind", "image", "thumbnail", "width", "height", "phash", "created_at")
    readonly_fields = fields


@admin.register(CleanupEvent)
class CleanupEventAdmin(RoleAdminMixin, admin.GISModelAdmin):
    """Read-only: events are logged through the API and judged on the jury's pages."""

    admin_roles = PERSONAL_DATA_ROLES
    can_add = False
    list_display = (
        "id",
        "title",
        "entrant",
        "started_at",
        "weight_kg",
        "weight_method",
        "status",
    )
    list_filter = ("entrant__campaign", "status", "weight_method")
    search_fields = ("id", "title", "entrant__name")
    list_select_related = ("entrant",)
    inlines = [ParticipantInline, PhotoInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields] + [
            "hotspots",
            "areas",
        ]

    def has_change_permission(self, request, obj=None):
        # Viewing only, for everyone: figures change through the jury's decisions.
        return False
