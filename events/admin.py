"""The contest in the admin: campaigns are edited here; entrants and events are
read-mostly (approval goes through the registration queue, events through the
API and the jury's pages, so their rules always run)."""

from django import forms
from django.contrib.gis import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.access import RoleAdminMixin, RoleInlineMixin
from accounts.roles import Role
from events.campaigns.forms import check_weights
from events.campaigns.services import (
    CAMPAIGN_EDITABLE,
    CAMPAIGN_FIELDS,
    PRIZE_FIELDS,
    PrizeLine,
    campaign_create,
    campaign_update,
    campaign_validate,
)
from events.errors import ContestError
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


class CampaignForm(forms.ModelForm):
    """The admin's campaign form, refused by the rules campaign_create and
    campaign_update apply (services.campaign_validate), beside the field."""

    class Meta:
        model = Campaign
        fields = list(CAMPAIGN_FIELDS)

    def clean_scoring(self):
        return check_weights(self.cleaned_data["scoring"])

    def clean_plausibility(self):
        return check_weights(self.cleaned_data["plausibility"])

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data  # the service needs every field well formed
        campaign = None if self.instance.pk is None else self.instance
        try:
            campaign_validate(campaign=campaign, **self.service_values())
        except ContestError as error:
            field = error.field if error.field in self.fields else NON_FIELD_ERRORS
            raise ValidationError(
                {field: ValidationError(error.message, code=error.code)}
            ) from error
        except ValidationError:
            # The model's own checks: the ModelForm runs them next (_post_clean)
            # and puts each beside its field; raising here would show them twice.
            pass
        return cleaned_data

    def service_values(self) -> dict:
        """Return the fields for campaign_create, or campaign_update (no slug)."""
        names = CAMPAIGN_FIELDS if self.instance.pk is None else CAMPAIGN_EDITABLE
        return {name: self.cleaned_data[name] for name in names if name in self.fields}


EDIT_ALL = frozenset({"view", "change", "add", "delete"})


class PrizeInline(RoleInlineMixin, admin.TabularInline):
    """The prize table: CampaignAdmin hands its rows to the services, which
    replace the table (the formset itself writes nothing)."""

    model = Prize
    admin_roles = (Role.ORGANISER,)
    role_can = EDIT_ALL
    extra = 0
    fields = PRIZE_FIELDS


class CampaignRoleInline(RoleInlineMixin, admin.TabularInline):
    model = CampaignRole
    admin_roles = (Role.ORGANISER,)
    role_can = EDIT_ALL
    extra = 0
    # A user id box: organisers have no access to the user admin's lookups.
    raw_id_fields = ("user",)


@admin.register(Campaign)
class CampaignAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Next year's campaign is data: windows, rules, prizes, weights, thresholds.

    Saved through campaign_create / campaign_update, so the admin keeps their
    rules: the slug fixed once created, reserved slugs refused, weights merged
    over the defaults. Organisers only: helpers run the software, not the contest.
    """

    admin_roles = (Role.ORGANISER,)
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

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ("slug",)  # pages, exports and printed QR codes use it
        return ()

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if obj is None else {}

    def save_model(self, request, obj, form, change):
        """Write nothing yet: save_related calls the service with the prize rows."""

    def save_related(self, request, form, formsets, change):
        """Save the campaign and its prize table through the services, then the
        other inlines (the campaign's roles)."""
        prizes = [formset for formset in formsets if formset.model is Prize]
        campaign = form.instance
        if prizes:
            lines = _prize_lines(prizes[0])
            # Writes nothing: fills the added/changed/deleted lists the admin's
            # change message reads.
            prizes[0].save(commit=False)
        else:  # the inline not shown: the table stays as it is
            lines = [
                PrizeLine(**row)
                for row in Prize.objects.filter(campaign=campaign.pk).values(
                    *PRIZE_FIELDS
                )
            ]
        if change:
            saved = campaign_update(
                campaign=campaign, prizes=lines, **form.service_values()
            )
        else:
            saved = campaign_create(prizes=lines, **form.service_values())
        # The admin goes on with this instance (log entry, redirect, other inlines).
        campaign.pk = saved.pk
        campaign.refresh_from_db()
        campaign._state.adding = False
        form.save_m2m()
        for formset in formsets:
            if formset.model is not Prize:
                self.save_formset(request, form, formset, change=change)


def _prize_lines(formset) -> list[PrizeLine]:
    """Return the rows of a valid prize formset kept (blank and deleted ones aside)."""
    deleted = set(formset.deleted_forms)
    return [
        PrizeLine(**{name: form.cleaned_data[name] for name in PRIZE_FIELDS})
        for form in formset.forms
        if form.cleaned_data and form not in deleted
    ]


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
