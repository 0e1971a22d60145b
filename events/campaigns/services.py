"""Write paths of the contest: campaigns, registration, approval."""

import copy
import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.phones import normalize_phone
from accounts.roles import Role
from accounts.services import user_set_roles
from events.campaigns import eligibility
from events.defaults import plausibility_defaults, scoring_defaults
from events.errors import ContestError
from events.models import (
    Campaign,
    Consent,
    ConsentPurpose,
    Entrant,
    EntrantKind,
    EntrantStatus,
    Member,
    Prize,
    RepresentativeContact,
)
from events.results.points import campaign_refresh, entrants_refresh
from notifications import kinds as notice
from notifications.services import notify

# Under this age a person's data needs a parent's or guardian's consent (Law 91/2025).
GUARDIAN_CONSENT_BELOW_AGE = 16


# First path segments under /contest/ that events.page_urls routes before a slug:
# a campaign with one of these as its slug could never be opened.
RESERVED_SLUGS = frozenset({"new", "me", "entrants", "events", "registrations"})


@dataclass(frozen=True, kw_only=True)
class CampaignInput:
    """A campaign's settings: the one list every door (the API, the organisers'
    page, the admin) takes its campaign fields from.

    Scoring and plausibility left out or None mean the documented defaults;
    given, they are merged over them.
    """

    name: str
    slug: str
    theme: str = ""
    rules: str = ""
    registration_start: dt.date
    registration_end: dt.date
    activity_start: dt.date
    activity_end: dt.date
    judging_end: dt.date | None = None
    results_date: dt.date | None = None
    phase_override: str = ""
    coverage_level: str = "district"
    scoring: dict | None = None
    plausibility: dict | None = None


# In the order the forms show them.
CAMPAIGN_FIELDS = tuple(field.name for field in dataclasses.fields(CampaignInput))
# What campaign_update may change: everything but the slug, which pages, exports
# and printed links (the certificates' QR codes) use.
CAMPAIGN_EDITABLE = tuple(name for name in CAMPAIGN_FIELDS if name != "slug")


@dataclass(frozen=True)
class PrizeLine:
    category: str
    rank: int
    label: str
    count: int
    amount_vnd: int


PRIZE_FIELDS = tuple(field.name for field in dataclasses.fields(PrizeLine))


def _with_values(campaign: Campaign, values: dict) -> Campaign:
    """Return a copy of the campaign with the values set as the services store
    them: the name trimmed, weights given merged over the documented defaults."""
    campaign = copy.copy(campaign)
    values = dict(values)
    if "name" in values:
        values["name"] = values["name"].strip()
    if "scoring" in values:
        values["scoring"] = {**scoring_defaults(), **(values["scoring"] or {})}
    if "plausibility" in values:
        values["plausibility"] = {
            **plausibility_defaults(),
            **(values["plausibility"] or {}),
        }
    for name, value in values.items():
        setattr(campaign, name, value)
    return campaign


def campaign_validate(*, campaign: Campaign | None = None, **values) -> Campaign:
    """Return the campaign as campaign_create / campaign_update would store it.

    Nothing is saved; a refusal raises ContestError (or the model's
    ValidationError). Without `campaign`, `values` are a new campaign's
    CampaignInput fields; with it, the editable fields to change on a copy of it.
    Forms call this from clean(), so a refusal shows beside its field.
    """
    new = campaign is None
    if new:
        values = dataclasses.asdict(CampaignInput(**values))  # TypeError if amiss
        campaign = Campaign()
    unknown = set(values) - set(CAMPAIGN_FIELDS if new else CAMPAIGN_EDITABLE)
    if unknown:
        raise TypeError(
            "campaign_update() cannot change: " + ", ".join(sorted(unknown))
        )
    campaign = _with_values(campaign, values)
    if new and campaign.slug in RESERVED_SLUGS:
        raise ContestError(
            "reserved",
            _("Mã này trùng với một trang có sẵn; hãy chọn mã khác."),
            "slug",
        )
    if campaign.registration_end < campaign.registration_start:
        raise ContestError(
            "window_reversed",
            _("Ngày đóng đăng ký phải sau ngày mở."),
            "registration_end",
        )
    if campaign.activity_end < campaign.activity_start:
        raise ContestError(
            "window_reversed", _("Ngày kết thúc phải sau ngày bắt đầu."), "activity_end"
        )
    if new and Campaign.objects.filter(slug=campaign.slug).exists():
        raise ContestError("duplicate", _("Đã có chiến dịch với mã này."), "slug")
    campaign.full_clean()
    return campaign


def _check_prizes(prizes: Sequence[PrizeLine]) -> None:
    keys = [(line.category, line.rank) for line in prizes]
    if len(set(keys)) != len(keys):
        raise ContestError(
            "duplicate", _("Hai dòng giải trùng hạng mục và thứ hạng."), "prizes"
        )


@transaction.atomic
def campaign_create(*, prizes: Sequence[PrizeLine] = (), **values) -> Campaign:
    """Create a campaign with its prize table; weights default to the documented ones.

    `values` are CampaignInput's fields (name, slug and the windows' four dates
    required).
    """
    campaign = campaign_validate(**values)
    _check_prizes(prizes)
    campaign.save()
    Prize.objects.bulk_create(
        Prize(campaign=campaign, **line.__dict__) for line in prizes
    )
    return campaign


@dataclass(frozen=True)
class Person:
    full_name: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Representative:
    full_name: str
    date_of_birth: dt.date
    phone: str
    email: str
    organisation: str = ""


@dataclass(frozen=True)
class Consents:
    participation: bool = False
    contact: bool = False
    publish: bool = False
    guardian: bool = False  # only asked when the representative is under 16


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@transaction.atomic
def entrant_register(
    *,
    campaign: Campaign,
    user,
    kind: str,
    name: str,
    representative: Representative,
    members: list[Person] = (),
    consents: Consents,
    today: dt.date | None = None,
) -> Entrant:
    """Register an entrant (pending until organisers approve); all or nothing."""
    today = today or timezone.localdate()
    if not campaign.registration_open_on(today):
        raise ContestError(
            "registration_closed",
            _("Chiến dịch chỉ nhận đăng ký từ %(start)s đến %(end)s.")
            % {
                "start": campaign.registration_start.strftime("%d/%m/%Y"),
                "end": campaign.registration_end.strftime("%d/%m/%Y"),
            },
            "campaign",
        )
    reason = eligibility.account_reason(user, campaign)
    if reason:
        raise ContestError("not_eligible", reason, "representative", status=403)
    # Two registrations sent at once by the same person: the second waits here,
    # then sees the first (one entrant per representative and campaign).
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if Entrant.objects.filter(campaign=campaign, representative=user).exists():
        raise ContestError(
            "already_registered",
            _("Bạn đã đăng ký một đội trong chiến dịch này."),
            "campaign",
        )
    if kind not in EntrantKind.values:
        raise ContestError(
            "invalid_choice", _("Hình thức dự thi không hợp lệ."), "kind"
        )
    if not name.strip():
        raise ContestError("required", _("Cần nhập tên đội / đơn vị."), "name")
    if kind == EntrantKind.INDIVIDUAL and members:
        raise ContestError(
            "individual_members",
            _("Bài dự thi cá nhân không có thành viên khác."),
            "members",
        )
    phone = normalize_phone(representative.phone)
    if not phone:
        raise ContestError(
            "invalid_phone", _("Số điện thoại không hợp lệ."), "representative.phone"
        )
    if not representative.full_name.strip():
        raise ContestError(
            "required", _("Cần nhập họ tên."), "representative.full_name"
        )
    born = representative.date_of_birth
    if born > today or born.year < 1900:
        raise ContestError(
            "invalid_date", _("Ngày sinh không hợp lệ."), "representative.date_of_birth"
        )
    if _age_on(born, today) < GUARDIAN_CONSENT_BELOW_AGE and not consents.guardian:
        raise ContestError(
            "guardian_consent_required",
            _(
                "Người đại diện dưới 16 tuổi cần có sự đồng ý của cha mẹ hoặc người giám hộ."
            ),
            "consents.guardian",
        )
    reason = eligibility.contact_reason(
        campaign, phone=phone, email=representative.email
    )
    if reason:
        raise ContestError("not_eligible", reason, "representative", status=403)
    if not consents.participation:
        raise ContestError(
            "consent_required",
            _("Cần đồng ý với thể lệ và việc xử lý dữ liệu để tham gia cuộc thi."),
            "consents.participation",
        )
    clean_members = []
    for index, person in enumerate(members):
        member_phone = normalize_phone(person.phone) if person.phone.strip() else ""
        if person.phone.strip() and not member_phone:
            raise ContestError(
                "invalid_phone",
                _("Số điện thoại không hợp lệ."),
                f"members[{index}].phone",
            )
        if not person.full_name.strip():
            raise ContestError(
                "required", _("Cần nhập họ tên."), f"members[{index}].full_name"
            )
        reason = eligibility.contact_reason(
            campaign, phone=member_phone, email=person.email
        )
        if reason:
            raise ContestError("not_eligible", reason, f"members[{index}]")
        clean_members.append(
            Member(
                full_name=person.full_name.strip(),
                phone=member_phone,
                email=person.email.strip(),
            )
        )
    now = timezone.now()
    if today != timezone.localdate():
        # Registering "as of" another day (demo data, imports): date it that day.
        now = timezone.make_aware(dt.datetime.combine(today, dt.time(9, 0)))
    entrant = Entrant.objects.create(
        campaign=campaign,
        kind=kind,
        name=name.strip(),
        representative=user,
        registered_at=now,
    )
    contact = RepresentativeContact(
        entrant=entrant,
        full_name=representative.full_name.strip(),
        date_of_birth=born,
        organisation=representative.organisation.strip(),
        phone=phone,
        email=representative.email.strip(),
    )
    contact.full_clean()
    contact.save()
    for member in clean_members:
        member.entrant = entrant
    Member.objects.bulk_create(clean_members)
    version = settings.ENTRANT_NOTICE_VERSION
    answers = {
        ConsentPurpose.PARTICIPATION: consents.participation,
        ConsentPurpose.CONTACT: consents.contact,
        ConsentPurpose.PUBLISH: consents.publish,
    }
    Consent.objects.bulk_create(
        Consent(
            entrant=entrant, purpose=purpose, granted=granted, notice_version=version
        )
        for purpose, granted in answers.items()
    )
    user_set_roles(user=user, roles=[Role.RESIDENT])
    _notify(
        entrant,
        _("Đã nhận đăng ký dự thi"),
        _("Đăng ký của %(name)s đã được ghi nhận và đang chờ Ban Tổ chức duyệt."),
    )
    return entrant


def _locked(entrant: Entrant) -> Entrant:
    return Entrant.objects.select_for_update().get(pk=entrant.pk)


def _decide(entrant: Entrant, *, to: str, actor, reason: str) -> Entrant:
    entrant = _locked(entrant)
    if entrant.status != EntrantStatus.PENDING:
        raise ContestError(
            "already_decided",
            _("Đăng ký này đã được xử lý (%(status)s).")
            % {"status": entrant.get_status_display()},
            status=409,
        )
    entrant.status = to
    entrant.decided_by = actor
    entrant.decided_at = timezone.now()
    entrant.decision_reason = reason.strip()
    entrant.save(
        update_fields=["status", "decided_by", "decided_at", "decision_reason"]
    )
    return entrant


@transaction.atomic
def entrant_approve(*, entrant: Entrant, actor, reason: str = "") -> Entrant:
    entrant = _decide(entrant, to=EntrantStatus.APPROVED, actor=actor, reason=reason)
    entrants_refresh([entrant.pk])  # it enters the standings, with 0 points
    tell_representative(entrant, notice.REGISTRATION_APPROVED)
    return entrant


@transaction.atomic
def entrant_reject(*, entrant: Entrant, actor, reason: str) -> Entrant:
    if not reason.strip():
        raise ContestError("reason_required", _("Cần ghi lý do từ chối."), "reason")
    entrant = _decide(entrant, to=EntrantStatus.REJECTED, actor=actor, reason=reason)
    entrants_refresh([entrant.pk])
    tell_representative(entrant, notice.REGISTRATION_REJECTED)
    return entrant


def tell_representative(
    entrant: Entrant,
    kind: str,
    *,
    about=None,
    link: str = "",
    params: dict | None = None,
) -> None:
    """Notify the entrant's representative of a decision (in the app, and by email
    to their contact address after commit; notifications.services.notify)."""
    contact = getattr(entrant, "contact", None)
    email = contact.email if contact is not None else ""
    notify(
        kind=kind,
        about=about or entrant,
        link=link or reverse("events:my-entrant"),
        params={
            "name": entrant.name,
            "reason": entrant.decision_reason,
            **(params or {}),
        },
        user=entrant.representative,
        email=email,
    )


def _notify(entrant: Entrant, subject: str, template: str) -> None:
    """Email the representative (after the transaction commits, so no mail for a rollback)."""
    contact = getattr(entrant, "contact", None)
    if contact is None or not contact.email:
        return
    body = template % {"name": entrant.name, "reason": entrant.decision_reason}
    recipient = contact.email

    def send():
        send_mail(
            f"[Chủ nhật xanh] {subject}",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [recipient],
            fail_silently=True,
        )

    transaction.on_commit(send)


@transaction.atomic
def campaign_update(
    *, campaign: Campaign, prizes: Sequence[PrizeLine], **values
) -> Campaign:
    """Change a campaign's settings and replace its prize table; all or nothing.

    `values` are CampaignInput's fields but the slug (CAMPAIGN_EDITABLE); those
    left out keep theirs. Scoring and plausibility, when given, are merged with
    the documented defaults, as campaign_create does.
    """
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign = campaign_validate(campaign=locked, **values)
    _check_prizes(prizes)
    campaign.save(update_fields=sorted(values))
    if (campaign.scoring, campaign.coverage_level) != (
        locked.scoring,
        locked.coverage_level,
    ):
        # Every stored point depends on them: all recomputed in this transaction.
        campaign_refresh(campaign)
    campaign.prizes.all().delete()
    rows = [Prize(campaign=campaign, **line.__dict__) for line in prizes]
    for row in rows:
        row.full_clean()  # after the delete: the old lines must not count as taken
    Prize.objects.bulk_create(rows)
    return campaign
