"""The contest pages: campaign, register, my entrant and my data, the organisers'
registration queue, anonymisation.

Request -> response -> database state, on the real PostGIS test database.
"""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.campaigns import services
from events.campaigns.registration_forms import RegisterForm
from events.campaigns.services import PrizeLine
from events.defaults import PRIZES_2024
from events.errors import ContestError
from events.formatting import format_vnd
from events.models import (
    CampaignRole,
    CleanupEvent,
    Consent,
    Entrant,
    EntrantStatus,
    Member,
    Participant,
    RepresentativeContact,
)
from geo.selectors import areas_containing
from tests import builders
from tests.builders import days

SLUG = "xanh-2026"
# Inside the demo "Thành phố Huế" district.
HUE = Point(107.59, 16.46, srid=4326)
LAN = {
    "full_name": "Nguyễn Thị Lan",
    "phone": "+84905123456",
    "email": "lan.nguyen@example.vn",
}
MEMBERS = ["Trần Văn An", "Lê Thị Bình"]
PARTICIPANTS = ["Phan Văn Cường", "Hồ Thị Dung", "Trần Văn An"]


def make_campaign(slug: str = SLUG, *, registration_open: bool = True, **kwargs):
    """A campaign whose registration window covers today (or starts in 10 days)."""
    start = -5 if registration_open else 10
    kwargs.setdefault("prizes", [PrizeLine(*line) for line in PRIZES_2024])
    return builders.campaign(
        slug=slug,
        name="Chủ nhật xanh 2026",
        theme="Sông Hương không rác nhựa",
        rules="Điều 1. Báo cáo trung thực.\nĐiều 2. Cân rác khi có thể.",
        registration=(start, start + 20),
        activity=(start, start + 30),
        **kwargs,
    )


def form_data(**overrides) -> dict:
    data = {
        "kind": "team",
        "name": "Đội Sông Hương Xanh",
        "full_name": LAN["full_name"],
        "date_of_birth": "1990-05-01",
        "organisation": "Đoàn phường Vĩnh Ninh",
        "phone": "0905 123 456",
        "email": LAN["email"],
        "members": "\n".join(MEMBERS) + "\n\n",
        "consent_participation": "on",
        "consent_publish": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def register(campaign, user, **kwargs) -> Entrant:
    """Register today through the service (what the page calls); pending."""
    return builders.entrant(
        campaign=campaign,
        representative=user,
        kind=kwargs.get("kind", "team"),
        name=kwargs.get("name", "Đội Sông Hương Xanh"),
        full_name=LAN["full_name"],
        date_of_birth=dt.date(1990, 5, 1),
        phone=LAN["phone"],
        email=LAN["email"],
        organisation="Đoàn phường Vĩnh Ninh",
        members=MEMBERS,
        contact=True,
        registered_on=days(0),
        approve=False,
    )


def make_event(entrant: Entrant, *, hours_ago: int = 3) -> CleanupEvent:
    """A submitted event with participants.

    Made directly, not through event_log: some tests store an event of an entrant
    still pending (the service refuses), to read, export and anonymise it.
    """
    now = timezone.now()
    event = CleanupEvent.objects.create(
        entrant=entrant,
        title="Vớt rác bờ sông Hương",
        location=HUE,
        started_at=now - dt.timedelta(hours=hours_ago),
        ended_at=now - dt.timedelta(hours=hours_ago - 2),
        weight_kg=Decimal("42.50"),
        weight_method="measured",
        plastic_kg=Decimal("30"),
        water_hyacinth_kg=Decimal("10"),
        other_kg=Decimal("2.5"),
        bags=6,
        notes="Anh Cường mang cân, số 0905 999 888",
    )
    event.areas.set(areas_containing(HUE))
    Participant.objects.bulk_create(
        Participant(event=event, full_name=name) for name in PARTICIPANTS
    )
    return event


def html_of(response) -> str:
    return response.content.decode()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def campaign(db):
    return make_campaign()


@pytest.fixture
def resident(db):
    return builders.user(username="lan", email=LAN["email"])


@pytest.fixture
def other_resident(db):
    return builders.user(username="hoa")


@pytest.fixture
def entrant(campaign, resident):
    return register(campaign, resident)


# --- campaign page -------------------------------------------------------------


def test_format_vnd_groups_thousands_with_dots():
    assert format_vnd(3_000_000) == "3.000.000 ₫"
    assert format_vnd(500) == "500 ₫"
    assert format_vnd(0) == "0 ₫"


def test_campaign_page_shows_prizes_windows_rules_and_register_button_when_open(
    client, campaign
):
    response = client.get(reverse("events:campaign", args=[SLUG]))
    html = html_of(response)
    assert response.status_code == 200
    assert campaign.get_absolute_url() == f"/contest/{SLUG}/"
    assert "Chủ nhật xanh 2026" in html and "Sông Hương không rác nhựa" in html
    assert "Giải Nhất" in html and "Giải Khuyến khích" in html
    assert "3.000.000 ₫" in html and "1.500.000 ₫" in html
    # 10 consolation prizes × 1,000,000; collective total 20 M; with individual 25 M.
    assert "10.000.000 ₫" in html
    assert "20.000.000 ₫" in html
    assert 'data-testid="prize-total">25.000.000 ₫' in html
    assert days(-5).strftime("%d/%m/%Y") in html
    assert "Điều 1. Báo cáo trung thực.<br>Điều 2." in html
    assert 'data-testid="register-button"' in html
    assert reverse("events:register", args=[SLUG]) in html
    assert 'data-testid="phase">Đang thi' in html


def test_campaign_page_shows_the_dates_instead_of_the_button_when_closed(client, db):
    make_campaign(registration_open=False)
    html = html_of(client.get(reverse("events:campaign", args=[SLUG])))
    assert 'data-testid="register-button"' not in html
    assert reverse("events:register", args=[SLUG]) not in html
    assert f"Đăng ký mở từ {days(10):%d/%m/%Y} đến {days(30):%d/%m/%Y}" in html
    assert 'data-testid="phase">Chuẩn bị' in html


def test_campaign_page_links_my_entrant_instead_of_registering_again(
    campaign, entrant, resident
):
    html = html_of(logged_in(resident).get(campaign.get_absolute_url()))
    assert 'data-testid="my-entrant-link"' in html
    assert 'data-testid="register-button"' not in html


def test_public_campaign_page_carries_no_contact_data(
    demo_areas, client, campaign, entrant
):
    make_event(entrant)
    html = html_of(client.get(campaign.get_absolute_url()))
    for private in [*LAN.values(), "0905 123 456", *MEMBERS, *PARTICIPANTS]:
        assert private not in html
    assert "Đoàn phường Vĩnh Ninh" not in html


def test_contest_link_goes_to_the_current_campaign(client, campaign):
    response = client.get(reverse("events:campaign-current"))
    assert response.status_code == 302
    assert response["Location"] == campaign.get_absolute_url()


def test_contest_link_without_a_campaign_says_so(client, db):
    response = client.get(reverse("events:campaign-current"))
    assert response.status_code == 200
    assert "Chưa có cuộc thi" in html_of(response)


def test_unknown_campaign_is_404(client, db):
    assert client.get(reverse("events:campaign", args=["khong-co"])).status_code == 404


# --- register --------------------------------------------------------------------


def test_register_page_requires_login(client, campaign):
    url = reverse("events:register", args=[SLUG])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
    response = client.post(url, form_data())
    assert response.status_code == 302
    assert not Entrant.objects.exists()


def test_register_page_has_unticked_consents_with_notices_and_prefilled_contact(
    campaign, resident
):
    resident.phone = "+84905123456"
    resident.save(update_fields=["phone"])
    response = logged_in(resident).get(reverse("events:register", args=[SLUG]))
    html = html_of(response)
    assert response.status_code == 200
    boxes = re.findall(r'<input type="checkbox" name="consent_\w+"[^>]*>', html)
    assert len(boxes) == 4  # participation, contact, publish, guardian
    assert not [box for box in boxes if "checked" in box]
    assert f"Phiên bản thông báo: {settings.ENTRANT_NOTICE_VERSION}" in html
    assert "Họ tên thành viên và thông tin liên hệ không bao giờ được công khai" in html
    assert "dưới 16 tuổi" in html
    assert f'value="{LAN["email"]}"' in html
    assert 'value="+84905123456"' in html
    assert "chỉ nhập được qua API" in html


def test_registering_creates_a_pending_entrant_with_consents_recorded(
    campaign, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(resident).post(
            reverse("events:register", args=[SLUG]), form_data()
        )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('events:my-entrant')}?campaign={SLUG}"
    entrant = Entrant.objects.get(campaign=campaign)
    assert entrant.representative == resident
    assert entrant.status == EntrantStatus.PENDING
    assert entrant.kind == "team" and entrant.name == "Đội Sông Hương Xanh"
    assert entrant.contact.phone == "+84905123456"
    assert entrant.contact.date_of_birth == dt.date(1990, 5, 1)
    assert list(entrant.members.values_list("full_name", flat=True)) == MEMBERS
    answers = {c.purpose: (c.granted, c.notice_version) for c in Consent.objects.all()}
    version = settings.ENTRANT_NOTICE_VERSION
    assert answers == {
        "participation": (True, version),
        "contact": (False, version),
        "publish": (True, version),
    }
    assert [m.to for m in mail.outbox] == [[LAN["email"]]]


def test_registering_without_the_participation_consent_names_that_box(
    campaign, resident
):
    response = logged_in(resident).post(
        reverse("events:register", args=[SLUG]),
        form_data(consent_participation=None),
    )
    html = html_of(response)
    assert response.status_code == 400
    assert not Entrant.objects.exists()
    box = html.index('data-testid="consent-consent_participation"')
    error = html.index("Cần đồng ý với thể lệ")
    assert box < error < html.index('data-testid="consent-consent_contact"')


def test_service_errors_land_on_the_right_field(campaign, resident):
    response = logged_in(resident).post(
        reverse("events:register", args=[SLUG]),
        form_data(phone="12345", kind="individual", members=""),
    )
    html = html_of(response)
    assert response.status_code == 400
    assert not Entrant.objects.exists()
    label = html.index('for="id_phone"')
    error = html.index("Số điện thoại không hợp lệ.")
    assert label < error < html.index('name="phone"')


def test_an_individual_with_members_is_refused_on_the_members_field(campaign, resident):
    response = logged_in(resident).post(
        reverse("events:register", args=[SLUG]), form_data(kind="individual")
    )
    html = html_of(response)
    assert response.status_code == 400
    error = html.index("Bài dự thi cá nhân không có thành viên khác.")
    assert html.index('for="id_members"') < error < html.index('name="members"')


def test_an_under_16_representative_needs_the_guardian_box(campaign, resident):
    young = (timezone.localdate() - dt.timedelta(days=365 * 14)).isoformat()
    client = logged_in(resident)
    url = reverse("events:register", args=[SLUG])
    response = client.post(url, form_data(date_of_birth=young))
    assert response.status_code == 400
    assert "cần có sự đồng ý của cha mẹ hoặc người giám hộ" in html_of(response)
    assert not Entrant.objects.exists()
    response = client.post(url, form_data(date_of_birth=young, consent_guardian="on"))
    assert response.status_code == 302
    assert Entrant.objects.count() == 1


@pytest.mark.parametrize("role", ["organiser", "judge", "secretary", "helper"])
def test_staff_accounts_see_the_refusal_and_cannot_register(client, campaign, role):
    user = builders.user(username=f"staff-{role}", role=role)
    client.force_login(user)
    url = reverse("events:register", args=[SLUG])
    html = html_of(client.get(url))
    assert 'data-testid="refusal"' in html
    assert "không được dự thi" in html
    assert 'name="consent_participation"' not in html
    response = client.post(url, form_data())
    assert response.status_code == 403
    assert "không được dự thi" in html_of(response)
    assert not Entrant.objects.exists()


def test_a_campaign_judge_without_a_global_role_is_refused_too(
    campaign, resident, other_resident
):
    CampaignRole.objects.create(campaign=campaign, user=resident, role="judge")
    html = html_of(logged_in(resident).get(reverse("events:register", args=[SLUG])))
    assert "Ban Giám khảo" in html and "không được dự thi" in html
    # The campaign's staff list binds that campaign only.
    other = make_campaign("khac")
    html = html_of(logged_in(resident).get(reverse("events:register", args=["khac"])))
    assert 'data-testid="refusal"' not in html
    assert other.slug == "khac"


def test_a_representative_phone_of_a_judge_is_refused(campaign, resident, judge):
    judge.phone = "+84905777666"
    judge.save(update_fields=["phone"])
    response = logged_in(resident).post(
        reverse("events:register", args=[SLUG]), form_data(phone="0905 777 666")
    )
    assert response.status_code == 403
    assert "thuộc một thành viên Ban Tổ chức, Ban Giám khảo" in html_of(response)
    assert not Entrant.objects.exists()


def test_a_member_phone_of_a_judge_is_refused_naming_the_members_field(
    campaign, resident, judge
):
    """Member phones come through the API only; the page maps the service's
    "members[i]" error onto its members field, naming the line."""
    judge.phone = "+84905777666"
    judge.save(update_fields=["phone"])
    form = RegisterForm(data=form_data(members="Trần Văn An\n\nVõ Thị Giám Khảo"))
    assert form.is_valid()
    arguments = form.service_arguments()
    arguments["members"][1] = services.Person(
        full_name="Võ Thị Giám Khảo", phone="0905 777 666"
    )
    with pytest.raises(ContestError) as caught:
        services.entrant_register(campaign=campaign, user=resident, **arguments)
    assert caught.value.field == "members[1]"
    form.add_contest_error(caught.value)
    assert list(form.errors) == ["members"]
    (message,) = form.errors["members"]
    assert message.startswith("Dòng 3 (Võ Thị Giám Khảo): ")
    assert "Ban Giám khảo" in message
    assert not Entrant.objects.exists()


def test_registering_twice_goes_to_my_entrant(campaign, entrant, resident):
    response = logged_in(resident).post(
        reverse("events:register", args=[SLUG]), form_data()
    )
    assert response.status_code == 302
    assert Entrant.objects.count() == 1


def test_registering_outside_the_window_is_refused(db, resident):
    make_campaign(registration_open=False)
    client = logged_in(resident)
    url = reverse("events:register", args=[SLUG])
    html = html_of(client.get(url))
    assert 'data-testid="closed"' in html and 'name="kind"' not in html
    assert client.post(url, form_data()).status_code == 400
    assert not Entrant.objects.exists()


# --- my entrant ----------------------------------------------------------------------


def test_my_entrant_page_shows_status_members_consents_and_events(
    demo_areas, campaign, entrant, resident, organiser
):
    client = logged_in(resident)
    url = reverse("events:my-entrant")
    html = html_of(client.get(url))
    assert 'data-testid="status">Chờ duyệt' in html
    assert "đang xem xét đăng ký của bạn" in html
    assert all(name in html for name in MEMBERS)
    assert LAN["phone"] in html  # the person sees their own contact data
    consents = html[html.index('data-testid="consents"') :]
    consents = consents[: consents.index("</table>")]
    assert consents.count("<tr>") == 4  # a header and three answers
    assert settings.ENTRANT_NOTICE_VERSION in html
    assert "/contest/events/new/" not in html

    services.entrant_approve(entrant=entrant, actor=organiser)
    make_event(entrant)
    html = html_of(client.get(url, {"campaign": SLUG}))
    assert 'data-testid="status">Đã duyệt' in html
    assert f'href="/contest/events/new/?campaign={SLUG}"' in html
    assert "Vớt rác bờ sông Hương" in html and "Cân đo" in html
    assert "42,50" in html  # Vietnamese decimal comma
    assert '<td class="num">3</td>' in html  # participants


def test_my_entrant_page_shows_the_rejection_reason(campaign, entrant, resident):
    organiser = builders.user(username="btc2", role="organiser")
    services.entrant_reject(
        entrant=entrant, actor=organiser, reason="Thiếu tên đơn vị chủ quản"
    )
    html = html_of(logged_in(resident).get(reverse("events:my-entrant")))
    assert 'data-testid="status">Bị từ chối' in html
    assert "Thiếu tên đơn vị chủ quản" in html
    assert "/contest/events/new/" not in html


def test_my_entrant_page_without_an_entrant_points_to_the_campaign(
    campaign, other_resident
):
    response = logged_in(other_resident).get(reverse("events:my-entrant"))
    html = html_of(response)
    assert 'data-testid="no-entrant"' in html
    assert campaign.get_absolute_url() in html


def test_my_entrant_page_requires_login(client, db):
    response = client.get(reverse("events:my-entrant"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_my_data_json_holds_everything_and_only_for_the_person(
    demo_areas, client, campaign, entrant, resident, other_resident
):
    make_event(entrant)
    response = logged_in(resident).get(reverse("events:my-data"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    (mine,) = data["entrants"]
    assert data["account"]["username"] == "lan"
    assert mine["representative"]["phone"] == LAN["phone"]
    assert mine["representative"]["date_of_birth"] == "1990-05-01"
    assert [m["full_name"] for m in mine["members"]] == MEMBERS
    assert {c["purpose"] for c in mine["consents"]} == {
        "participation",
        "contact",
        "publish",
    }
    (event,) = mine["events"]
    assert event["participants"] == PARTICIPANTS
    assert event["weight_kg"] == "42.50"
    assert "Thành phố Huế" in event["areas"]
    assert "Nguyễn Thị Lan" in response.content.decode()  # not \u-escaped

    other = logged_in(other_resident).get(reverse("events:my-data"))
    assert json.loads(other.content)["entrants"] == []
    assert LAN["phone"] not in other.content.decode()

    anonymous = client.get(reverse("events:my-data"))
    assert anonymous.status_code == 302


def test_deletion_request_then_anonymise_removes_names_but_keeps_figures(
    demo_areas, campaign, entrant, resident, organiser
):
    services.entrant_approve(entrant=entrant, actor=organiser)
    event = make_event(entrant)
    representative = logged_in(resident)
    response = representative.post(
        reverse("events:my-deletion-request"), {"entrant": entrant.pk}
    )
    assert response.status_code == 302
    entrant.refresh_from_db()
    assert entrant.deletion_requested_at is not None
    assert entrant.anonymised_at is None
    html = html_of(representative.get(reverse("events:my-entrant")))
    assert 'data-testid="deletion-requested"' in html

    staff = logged_in(organiser)
    queue = reverse("events:registrations", args=[SLUG])
    html = html_of(staff.get(queue, {"status": "deletion"}))
    assert 'data-testid="deletion-badge"' in html and "Ẩn danh hoá" in html
    action = reverse("events:registration-action", args=[entrant.pk, "anonymise"])
    # Without ticking the confirmation, nothing happens.
    staff.post(action, {"next": queue})
    assert RepresentativeContact.objects.get(entrant=entrant).phone == LAN["phone"]
    response = staff.post(action, {"confirm": "on", "next": queue})
    assert response.status_code == 302 and response["Location"] == queue

    entrant.refresh_from_db()
    event.refresh_from_db()
    assert entrant.anonymised_at is not None
    assert entrant.name == "Đội Sông Hương Xanh"  # a team's name is not personal
    contact = RepresentativeContact.objects.get(entrant=entrant)
    assert (contact.full_name, contact.phone, contact.email, contact.organisation) == (
        "Đã xoá",
        "",
        "",
        "",
    )
    assert contact.date_of_birth == dt.date(1900, 1, 1)
    assert list(Member.objects.values_list("full_name", flat=True)) == [
        "Thành viên #1",
        "Thành viên #2",
    ]
    names = list(event.participants.values_list("full_name", flat=True))
    assert len(names) == 3 and len(set(names)) == 3
    assert all(re.fullmatch(r"Người tham gia #\d+", name) for name in names)
    for old in [LAN["full_name"], *MEMBERS, *PARTICIPANTS]:
        assert not Participant.objects.filter(full_name=old).exists()
        assert not Member.objects.filter(full_name=old).exists()
    assert not RepresentativeContact.objects.filter(email=LAN["email"]).exists()
    assert event.weight_kg == Decimal("42.50") and event.bags == 6
    assert event.plastic_kg == Decimal("30.00") and event.notes == ""
    assert CleanupEvent.objects.filter(entrant=entrant).count() == 1

    body = representative.get(reverse("events:my-data")).content.decode()
    for old in [LAN["full_name"], LAN["phone"], *MEMBERS, *PARTICIPANTS, "0905 999"]:
        assert old not in body
    assert json.loads(body)["entrants"][0]["events"][0]["weight_kg"] == "42.50"

    # A second anonymisation is refused, not repeated.
    staff.post(action, {"confirm": "on"})
    assert Entrant.objects.get(pk=entrant.pk).anonymised_at == entrant.anonymised_at


def test_an_individual_entrant_loses_its_name_when_anonymised(
    campaign, resident, organiser
):
    from events import privacy

    entrant = services.entrant_register(
        campaign=campaign,
        user=resident,
        kind="individual",
        name="Nguyễn Thị Lan",
        representative=services.Representative(
            full_name="Nguyễn Thị Lan",
            date_of_birth=dt.date(1990, 5, 1),
            phone=LAN["phone"],
            email=LAN["email"],
        ),
        consents=services.Consents(participation=True),
    )
    done = privacy.entrant_anonymise(entrant=entrant, actor=organiser)
    assert done.name == f"Bài dự thi cá nhân #{entrant.pk}"
    assert not Entrant.objects.filter(name="Nguyễn Thị Lan").exists()


def test_only_the_representative_can_ask_for_deletion(
    campaign, entrant, other_resident
):
    response = logged_in(other_resident).post(
        reverse("events:my-deletion-request"), {"entrant": entrant.pk}
    )
    assert response.status_code == 404
    entrant.refresh_from_db()
    assert entrant.deletion_requested_at is None


# --- the organisers' registration queue --------------------------------------------


def test_registration_queue_access(client, campaign, entrant, resident, judge):
    url = reverse("events:registrations", args=[SLUG])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
    assert logged_in(resident).get(url).status_code == 403
    # Judges see the list and the contact data, but no organiser actions.
    response = logged_in(judge).get(url)
    html = html_of(response)
    assert response.status_code == 200
    assert LAN["phone"] in html and MEMBERS[0] in html
    assert "registration-action" not in html and "/approve/" not in html
    approve = reverse("events:registration-action", args=[entrant.pk, "approve"])
    assert logged_in(judge).post(approve).status_code == 403
    assert logged_in(resident).post(approve).status_code == 403
    entrant.refresh_from_db()
    assert entrant.status == EntrantStatus.PENDING


def test_organiser_approves_and_the_representative_is_emailed(
    campaign, entrant, organiser, django_capture_on_commit_callbacks
):
    staff = logged_in(organiser)
    queue = reverse("events:registrations", args=[SLUG])
    html = html_of(staff.get(queue))
    assert f'data-entrant="{entrant.pk}"' in html and "/approve/" in html
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("events:registration-action", args=[entrant.pk, "approve"]),
            {"reason": "", "next": queue},
        )
    assert response.status_code == 302 and response["Location"] == queue
    entrant.refresh_from_db()
    assert entrant.status == EntrantStatus.APPROVED
    assert entrant.decided_by == organiser
    (message,) = mail.outbox
    assert message.to == [LAN["email"]] and "đã được duyệt" in message.subject
    # Approved entrants leave the default (pending) list; "all" shows them.
    assert f'data-entrant="{entrant.pk}"' not in html_of(staff.get(queue))
    html = html_of(staff.get(queue, {"status": "all"}))
    assert f'data-entrant="{entrant.pk}"' in html


def test_rejecting_needs_a_reason_which_the_email_carries(
    campaign, entrant, organiser, django_capture_on_commit_callbacks
):
    staff = logged_in(organiser)
    action = reverse("events:registration-action", args=[entrant.pk, "reject"])
    mail.outbox.clear()
    response = staff.post(action, {"reason": "  "}, follow=True)
    assert "Cần ghi lý do từ chối." in html_of(response)
    entrant.refresh_from_db()
    assert entrant.status == EntrantStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(action, {"reason": "Trùng với đội đã đăng ký"})
    entrant.refresh_from_db()
    assert entrant.status == EntrantStatus.REJECTED
    assert entrant.decision_reason == "Trùng với đội đã đăng ký"
    (message,) = mail.outbox
    assert "Trùng với đội đã đăng ký" in message.body


def test_a_decided_entrant_cannot_be_decided_again(campaign, entrant, organiser):
    staff = logged_in(organiser)
    staff.post(reverse("events:registration-action", args=[entrant.pk, "approve"]))
    response = staff.post(
        reverse("events:registration-action", args=[entrant.pk, "reject"]),
        {"reason": "Đổi ý"},
        follow=True,
    )
    assert "đã được xử lý" in html_of(response)
    entrant.refresh_from_db()
    assert entrant.status == EntrantStatus.APPROVED


def test_an_outside_next_url_is_ignored(campaign, entrant, organiser):
    response = logged_in(organiser).post(
        reverse("events:registration-action", args=[entrant.pk, "approve"]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("events:registrations", args=[SLUG])


def test_all_entrants_view_shows_event_counts(
    demo_areas, campaign, entrant, organiser, judge
):
    services.entrant_approve(entrant=entrant, actor=organiser)
    make_event(entrant, hours_ago=5)
    make_event(entrant, hours_ago=3)
    html = html_of(
        logged_in(judge).get(
            reverse("events:registrations", args=[SLUG]), {"status": "all"}
        )
    )
    assert "2 sự kiện" in html


def test_registration_queue_queries_do_not_grow_with_entrants(campaign, organiser):
    def register_many(start: int, count: int) -> None:
        for i in range(start, start + count):
            user = builders.user(username=f"doi-{i}")
            services.entrant_register(
                campaign=campaign,
                user=user,
                kind="team",
                name=f"Đội {i}",
                representative=services.Representative(
                    full_name=f"Người {i}",
                    date_of_birth=dt.date(1990, 1, 1),
                    phone=f"+8490512{i:04d}",
                    email=f"doi{i}@example.vn",
                ),
                members=[services.Person(full_name="A"), services.Person("B")],
                consents=services.Consents(participation=True),
            )

    staff = logged_in(organiser)
    url = reverse("events:registrations", args=[SLUG])
    register_many(0, 2)
    staff.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert html_of(staff.get(url)).count('data-testid="registration"') == 2
    register_many(2, 6)
    with CaptureQueriesContext(connection) as many:
        assert html_of(staff.get(url)).count('data-testid="registration"') == 8
    assert len(many) == len(few)


def test_entrant_page_is_for_staff_and_hidden_from_others(
    client, campaign, entrant, judge, resident, other_resident
):
    url = entrant.get_absolute_url()
    html = html_of(logged_in(judge).get(url))
    assert LAN["phone"] in html and MEMBERS[1] in html
    assert logged_in(other_resident).get(url).status_code == 404
    own = logged_in(resident).get(url)
    assert own.status_code == 302
    assert own["Location"] == f"{reverse('events:my-entrant')}?campaign={SLUG}"
    assert client.get(url).status_code == 302


def test_nav_links_to_the_contest_and_my_entrant(client, campaign, resident):
    html = html_of(client.get(reverse("home")))
    assert f'href="{reverse("events:campaign-current")}"' in html
    assert reverse("events:my-entrant") not in html
    html = html_of(logged_in(resident).get(reverse("home")))
    assert f'href="{reverse("events:my-entrant")}"' in html


# --- admin -----------------------------------------------------------------------


def test_organisers_use_the_contest_admin_and_helpers_see_no_personal_data(
    demo_areas, campaign, entrant, organiser
):
    event = make_event(entrant)
    staff = logged_in(organiser)
    pages = [
        reverse("admin:events_campaign_change", args=[campaign.pk]),
        reverse("admin:events_entrant_changelist"),
        reverse("admin:events_entrant_change", args=[entrant.pk]),
        reverse("admin:events_cleanupevent_change", args=[event.pk]),
        reverse("admin:events_campaignrole_changelist"),
    ]
    for url in pages:
        assert staff.get(url).status_code == 200, url
    html = html_of(staff.get(pages[0]))
    assert "Giải Khuyến khích" in html and "max_kg_per_participant_hour" in html
    html = html_of(staff.get(pages[2]))
    assert LAN["phone"] in html and MEMBERS[0] in html and "participation" in html
    html = html_of(staff.get(pages[3]))
    assert PARTICIPANTS[0] in html

    helper = builders.user(username="it", role="helper")
    helper_client = logged_in(helper)
    assert helper_client.get(pages[0]).status_code == 403  # campaigns: organisers
    assert helper_client.get(pages[2]).status_code == 403
    assert helper_client.get(pages[3]).status_code == 403


def test_campaign_admin_refuses_scoring_that_is_not_numbers(campaign, organiser):
    from events.admin import CampaignForm

    data = {
        field: getattr(campaign, field) or ""
        for field in CampaignForm._meta.fields
        if field not in ("scoring", "plausibility")
    }
    data["scoring"] = json.dumps({"priority_multiplier": "nhiều"})
    data["plausibility"] = json.dumps(campaign.plausibility)
    form = CampaignForm(data=data, instance=campaign)
    assert not form.is_valid()
    assert list(form.errors) == ["scoring"]
    data["scoring"] = json.dumps(campaign.scoring)
    assert CampaignForm(data=data, instance=campaign).is_valid()
