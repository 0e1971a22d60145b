"""The organisers' campaign page: create next year's campaign, edit one.

Request -> response -> database state, on the real PostGIS test database.
"""

import datetime as dt
import json
import re

import pytest
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.admin.utils import flatten_fieldsets
from django.urls import reverse

from events.campaigns.forms import (
    PRIZE_PREFIX,
    CampaignForm,
    PrizeForm,
    PrizeFormSet,
    add_service_error,
)
from events.campaigns.serializers import CampaignSerializer, PrizeSerializer
from events.campaigns.services import (
    CAMPAIGN_FIELDS,
    PRIZE_FIELDS,
    PrizeLine,
    campaign_create,
    campaign_update,
)
from events.defaults import PLAUSIBILITY, PRIZES_2024, SCORING
from events.errors import ContestError
from events.models import Campaign, Phase, Prize
from tests import builders
from tests.events.campaigns.test_pages import days, html_of, logged_in, make_campaign

SLUG = "xanh-2026"
NEW_SLUG = "chu-nhat-xanh-2027"
NEW_URL = reverse("events:campaign-new")
EDIT_URL = reverse("events:campaign-edit", args=[SLUG])
TWO_PRIZES = [
    ("collective", 1, "Giải Nhất", 1, 5_000_000),
    ("individual", 1, "Giải cá nhân xuất sắc", 3, 1_000_000),
]


@pytest.fixture
def resident(db):
    return builders.user(username="lan")


@pytest.fixture
def campaign(db):
    return make_campaign(SLUG)


def prize_rows(rows, *, blank: int = 2, initial: int = 0, delete=()) -> dict:
    """Return the formset's POST data: rows, then blank rows (as a browser sends)."""
    data = {
        "prizes-TOTAL_FORMS": str(len(rows) + blank),
        "prizes-INITIAL_FORMS": str(initial),
        "prizes-MIN_NUM_FORMS": "0",
        "prizes-MAX_NUM_FORMS": "1000",
    }
    names = ["category", "rank", "label", "count", "amount_vnd"]
    for index, row in enumerate(rows):
        for name, value in zip(names, row, strict=True):
            data[f"prizes-{index}-{name}"] = str(value)
        if index in delete:
            data[f"prizes-{index}-DELETE"] = "on"
    for index in range(len(rows), len(rows) + blank):
        for name in names:
            data[f"prizes-{index}-{name}"] = ""
    return data


def campaign_data(*, prizes=TWO_PRIZES, **overrides) -> dict:
    data = {
        "name": "Chủ nhật xanh 2027",
        "slug": NEW_SLUG,
        "theme": "Phá Tam Giang không rác nhựa",
        "rules": "Điều 1. Báo cáo trung thực.",
        "registration_start": "2027-03-01",
        "registration_end": "2027-03-31",
        "activity_start": "2027-03-15",
        "activity_end": "2027-05-31",
        "judging_end": "2027-06-15",
        "results_date": "2027-06-20",
        "phase_override": "",
        "coverage_level": "district",
        "scoring": json.dumps({"priority_multiplier": 2}),
        "plausibility": "",
    }
    data.update(prize_rows(prizes))
    data.update(overrides)
    return data


def stored(campaign: Campaign) -> tuple:
    """What an edit may change: dates, weights and the prize table."""
    campaign.refresh_from_db()
    prizes = list(
        campaign.prizes.order_by("category", "rank").values_list(
            "category", "rank", "label", "count", "amount_vnd"
        )
    )
    return (
        campaign.registration_start,
        campaign.registration_end,
        campaign.activity_start,
        campaign.activity_end,
        campaign.scoring,
        prizes,
    )


def errors_of(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


# --- access --------------------------------------------------------------------


@pytest.mark.parametrize("url", [NEW_URL, EDIT_URL])
def test_campaign_pages_send_anonymous_visitors_to_log_in(client, campaign, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
    response = client.post(url, campaign_data())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert list(Campaign.objects.values_list("slug", flat=True)) == [SLUG]


@pytest.mark.parametrize("url", [NEW_URL, EDIT_URL])
def test_campaign_pages_refuse_residents(campaign, resident, url):
    client = logged_in(resident)
    assert client.get(url).status_code == 403
    before = stored(campaign)
    assert client.post(url, campaign_data(slug=SLUG)).status_code == 403
    assert stored(campaign) == before
    assert Campaign.objects.count() == 1


def test_campaign_pages_refuse_judges(campaign, judge):
    assert logged_in(judge).get(EDIT_URL).status_code == 403


def test_edit_page_of_an_unknown_campaign_is_404(organiser):
    url = reverse("events:campaign-edit", args=["khong-co"])
    assert logged_in(organiser).get(url).status_code == 404


def test_campaign_page_links_the_edit_page_for_organisers_only(
    campaign, organiser, resident
):
    assert EDIT_URL in html_of(logged_in(organiser).get(campaign.get_absolute_url()))
    assert EDIT_URL not in html_of(logged_in(resident).get(campaign.get_absolute_url()))


# --- create --------------------------------------------------------------------


def test_create_page_is_prefilled_with_the_2024_prizes_and_default_weights(
    organiser,
):
    response = logged_in(organiser).get(NEW_URL)
    html = html_of(response)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.total_form_count() == len(PRIZES_2024) + 2
    assert [
        (f["category"], f["rank"], f["label"], f["count"], f["amount_vnd"])
        for f in formset.initial
    ] == PRIZES_2024
    assert 'value="Giải Khuyến khích"' in html
    assert json.loads(response.context["form"].initial["scoring"]) == SCORING
    assert json.loads(response.context["form"].initial["plausibility"]) == PLAUSIBILITY
    assert "max_kg_per_participant_hour" in html
    assert '<option value="" selected>Tính theo ngày</option>' in html
    assert '<label for="id_prizes-0-amount_vnd"' in html
    assert 'type="date"' in html


def test_organiser_creates_a_campaign_with_two_prize_lines(organiser):
    client = logged_in(organiser)
    response = client.post(NEW_URL, campaign_data())
    assert response.status_code == 302
    assert response["Location"] == f"/contest/{NEW_SLUG}/"
    campaign = Campaign.objects.get(slug=NEW_SLUG)
    assert campaign.name == "Chủ nhật xanh 2027"
    assert campaign.registration_start == dt.date(2027, 3, 1)
    assert campaign.activity_end == dt.date(2027, 5, 31)
    assert campaign.results_date == dt.date(2027, 6, 20)
    assert campaign.phase_override == ""
    # The weight typed in wins; the rest come from the documented defaults.
    assert campaign.scoring == {**SCORING, "priority_multiplier": 2}
    assert campaign.plausibility == PLAUSIBILITY
    assert sorted(
        campaign.prizes.values_list("category", "rank", "label", "count", "amount_vnd")
    ) == sorted(TWO_PRIZES)
    page = client.get(response["Location"])
    assert "Đã tạo chiến dịch Chủ nhật xanh 2027." in html_of(page)
    assert "5.000.000 ₫" in html_of(page)


def test_creating_with_a_phase_set_by_hand_stores_it(organiser):
    response = logged_in(organiser).post(
        NEW_URL, campaign_data(phase_override=Phase.REGISTRATION)
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(slug=NEW_SLUG)
    assert campaign.phase_override == Phase.REGISTRATION
    assert campaign.prizes.count() == 2


def test_creating_with_a_reversed_window_shows_the_error_and_creates_nothing(
    organiser,
):
    response = logged_in(organiser).post(
        NEW_URL, campaign_data(activity_start="2027-05-31", activity_end="2027-03-15")
    )
    assert response.status_code == 400
    assert errors_of(response, "activity_end") == [
        "Ngày kết thúc phải sau ngày bắt đầu."
    ]
    assert "Ngày kết thúc phải sau ngày bắt đầu." in html_of(response)
    assert not Campaign.objects.filter(slug=NEW_SLUG).exists()
    assert not Prize.objects.exists()


def test_creating_with_a_taken_slug_shows_the_error_on_the_slug(campaign, organiser):
    response = logged_in(organiser).post(NEW_URL, campaign_data(slug=SLUG))
    assert response.status_code == 400
    assert errors_of(response, "slug")
    assert Campaign.objects.count() == 1


def test_a_slug_that_a_page_uses_is_refused(organiser):
    response = logged_in(organiser).post(NEW_URL, campaign_data(slug="new"))
    assert response.status_code == 400
    assert errors_of(response, "slug") == [
        "Mã này trùng với một trang có sẵn; hãy chọn mã khác."
    ]
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    "scoring, expected",
    [
        ('{"priority_multiplier": 2,}', "JSON không hợp lệ ở dòng 1, cột 27."),
        ("[1, 2]", "Phải là một đối tượng JSON."),
        ('{"priority_multiplier": -1}', "“priority_multiplier” phải là số hữu hạn"),
        ('{"points_per_kg": {"plastic": -3}}', "“plastic” phải là số hữu hạn"),
        ('{"priority_multiplier": NaN}', "“priority_multiplier” phải là số hữu hạn"),
        ('{"priority_multiplier": "2"}', "“priority_multiplier” phải là một số."),
        ('{"priority_multiplier": true}', "“priority_multiplier” phải là một số."),
    ],
)
def test_bad_scoring_weights_are_shown_on_the_scoring_field(
    organiser, scoring, expected
):
    response = logged_in(organiser).post(NEW_URL, campaign_data(scoring=scoring))
    assert response.status_code == 400
    messages = errors_of(response, "scoring")
    assert len(messages) == 1 and expected in messages[0]
    assert errors_of(response, "plausibility") == []
    assert not Campaign.objects.exists()


def test_nested_weights_are_accepted(organiser):
    scoring = {"points_per_kg": {"plastic": 4, "water_hyacinth": 0.5, "other": 1}}
    response = logged_in(organiser).post(
        NEW_URL, campaign_data(scoring=json.dumps(scoring))
    )
    assert response.status_code == 302
    assert Campaign.objects.get().scoring["points_per_kg"]["plastic"] == 4


def test_duplicate_prize_lines_are_refused(organiser):
    rows = [*TWO_PRIZES, ("collective", 1, "Giải Nhất (bis)", 1, 1_000_000)]
    response = logged_in(organiser).post(NEW_URL, campaign_data(prizes=rows))
    assert response.status_code == 400
    assert response.context["formset"].non_form_errors() == [
        "Dòng 3 trùng hạng mục và thứ hạng với dòng 1."
    ]
    assert 'data-testid="prize-errors"' in html_of(response)
    assert not Campaign.objects.exists()


def test_a_half_filled_prize_line_is_an_error_on_that_line(organiser):
    data = campaign_data()
    data["prizes-2-label"] = "Giải Ba"  # the first blank row, partly filled
    response = logged_in(organiser).post(NEW_URL, data)
    assert response.status_code == 400
    assert "category" in response.context["formset"].forms[2].errors
    assert not Campaign.objects.exists()


def test_coverage_level_offers_the_loaded_levels_only(demo_areas, organiser):
    client = logged_in(organiser)
    choices = client.get(NEW_URL).context["form"].fields["coverage_level"].choices
    assert [value for value, _label in choices] == ["district", "province"]
    response = client.post(NEW_URL, campaign_data(coverage_level="village"))
    assert response.status_code == 400
    assert errors_of(response, "coverage_level")
    response = client.post(NEW_URL, campaign_data(coverage_level="province"))
    assert response.status_code == 302
    assert Campaign.objects.get().coverage_level == "province"


# --- edit ----------------------------------------------------------------------


def test_edit_page_shows_the_current_values(campaign, organiser):
    response = logged_in(organiser).get(EDIT_URL)
    html = html_of(response)
    assert response.status_code == 200
    assert response.context["formset"].initial_form_count() == len(PRIZES_2024)
    assert f'value="{campaign.registration_start:%Y-%m-%d}"' in html
    assert json.loads(response.context["form"].initial["scoring"]) == campaign.scoring
    assert re.search(
        rf'<input type="text" name="slug" value="{SLUG}"[^>]* disabled', html
    )


def test_edit_changes_dates_and_replaces_prizes_but_keeps_the_slug(campaign, organiser):
    old_ids = set(campaign.prizes.values_list("id", flat=True))
    data = campaign_data(
        slug="doi-ma",
        name="Chủ nhật xanh 2026 (sửa)",
        registration_start=f"{days(-3):%Y-%m-%d}",
        registration_end=f"{days(40):%d/%m/%Y}",
        activity_start=f"{days(1):%Y-%m-%d}",
        activity_end=f"{days(60):%Y-%m-%d}",
        scoring="",
    )
    data.update(prize_rows(TWO_PRIZES, initial=2))
    client = logged_in(organiser)
    response = client.post(EDIT_URL, data)
    assert response.status_code == 302
    assert response["Location"] == f"/contest/{SLUG}/"
    assert not Campaign.objects.filter(slug="doi-ma").exists()
    campaign.refresh_from_db()
    assert campaign.slug == SLUG
    assert campaign.name == "Chủ nhật xanh 2026 (sửa)"
    assert campaign.registration_start == days(-3)
    assert campaign.registration_end == days(40)
    assert campaign.activity_start == days(1)
    assert campaign.activity_end == days(60)
    assert campaign.scoring == SCORING  # emptied: back to the defaults
    rows = campaign.prizes.values_list(
        "id", "category", "rank", "label", "count", "amount_vnd"
    )
    assert sorted(row[1:] for row in rows) == sorted(TWO_PRIZES)
    assert not old_ids & {row[0] for row in rows}
    assert "Đã lưu chiến dịch Chủ nhật xanh 2026 (sửa)." in html_of(
        client.get(response["Location"])
    )


def test_edit_drops_the_lines_ticked_for_deletion(campaign, organiser):
    data = campaign_data(slug=SLUG)
    data.update(prize_rows(PRIZES_2024, initial=len(PRIZES_2024), delete={3, 4}))
    response = logged_in(organiser).post(EDIT_URL, data)
    assert response.status_code == 302
    # Rows 3 and 4 (consolation and individual prizes) were ticked.
    assert list(campaign.prizes.values_list("category", "rank")) == [
        ("collective", 1),
        ("collective", 2),
        ("collective", 3),
    ]


def test_edit_with_a_reversed_window_shows_the_error_and_changes_nothing(
    campaign, organiser
):
    before = stored(campaign)
    data = campaign_data(
        slug=SLUG, registration_start="2027-03-31", registration_end="2027-03-01"
    )
    response = logged_in(organiser).post(EDIT_URL, data)
    assert response.status_code == 400
    assert errors_of(response, "registration_end") == [
        "Ngày đóng đăng ký phải sau ngày mở."
    ]
    assert "Ngày đóng đăng ký phải sau ngày mở." in html_of(response)
    assert stored(campaign) == before


def test_edit_with_a_negative_weight_changes_nothing(campaign, organiser):
    before = stored(campaign)
    data = campaign_data(slug=SLUG, scoring='{"points_per_kg": {"plastic": -1}}')
    response = logged_in(organiser).post(EDIT_URL, data)
    assert response.status_code == 400
    assert errors_of(response, "scoring")
    assert stored(campaign) == before


def test_edit_with_duplicate_prize_lines_changes_nothing(campaign, organiser):
    before = stored(campaign)
    rows = [TWO_PRIZES[0], TWO_PRIZES[0]]
    response = logged_in(organiser).post(EDIT_URL, campaign_data(prizes=rows))
    assert response.status_code == 400
    assert response.context["formset"].non_form_errors()
    assert stored(campaign) == before


# --- the service and the error mapping -------------------------------------------


def test_campaign_update_never_changes_the_slug(campaign):
    with pytest.raises(TypeError):
        campaign_update(campaign=campaign, prizes=[], slug="doi-ma")
    campaign.refresh_from_db()
    assert campaign.slug == SLUG


def test_campaign_update_refuses_duplicate_lines_and_keeps_the_old_table(campaign):
    before = stored(campaign)
    line = PrizeLine(*TWO_PRIZES[0])
    with pytest.raises(ContestError) as caught:
        campaign_update(campaign=campaign, prizes=[line, line], name="Đổi tên")
    assert caught.value.field == "prizes"
    assert stored(campaign) == before
    assert campaign.name == "Chủ nhật xanh 2026"


def test_campaign_update_merges_given_weights_with_the_defaults(campaign):
    done = campaign_update(
        campaign=campaign,
        prizes=[],
        plausibility={"photo_hash_distance": 4},
    )
    assert done.plausibility == {**PLAUSIBILITY, "photo_hash_distance": 4}
    assert done.scoring == SCORING  # not given: unchanged
    assert not done.prizes.exists()


@pytest.mark.parametrize(
    "field, lands_on",
    [("prizes", "prizes"), ("registration_end", "registration_end"), ("x", None)],
)
def test_service_errors_land_beside_the_field_they_name(db, field, lands_on):
    form = CampaignForm(campaign_data())
    formset = PrizeFormSet(campaign_data(), prefix=PRIZE_PREFIX)
    assert form.is_valid() and formset.is_valid()
    add_service_error(form, formset, ContestError("code", "Thông báo", field))
    if lands_on == "prizes":
        assert formset.non_form_errors() == ["Thông báo"]
        assert not form.errors
    elif lands_on:
        assert form.errors == {lands_on: ["Thông báo"]}
    else:
        assert form.non_field_errors() == ["Thông báo"]


def test_a_reserved_slug_is_refused_by_the_service_whatever_the_door(db):
    with pytest.raises(ContestError) as caught:
        campaign_create(
            name="Trang mới",
            slug="registrations",
            registration_start=dt.date(2027, 3, 1),
            registration_end=dt.date(2027, 3, 31),
            activity_start=dt.date(2027, 3, 15),
            activity_end=dt.date(2027, 5, 31),
        )
    assert (caught.value.code, caught.value.field) == ("reserved", "slug")
    assert not Campaign.objects.exists()


# --- one list of campaign fields ---------------------------------------------------


def test_every_door_edits_the_services_campaign_fields():
    assert tuple(CampaignForm.base_fields) == CAMPAIGN_FIELDS
    campaign_admin = admin.site._registry[Campaign]
    assert sorted(flatten_fieldsets(campaign_admin.fieldsets)) == sorted(
        CAMPAIGN_FIELDS
    )
    api_fields = set(CampaignSerializer.Meta.fields)
    # The API does not set the phase by hand; it adds what it shows.
    assert api_fields - set(CAMPAIGN_FIELDS) == {"phase", "phase_label", "prizes"}
    assert set(CAMPAIGN_FIELDS) - api_fields == {"phase_override"}
    assert tuple(PrizeForm.base_fields) == PRIZE_FIELDS
    assert tuple(PrizeSerializer.Meta.fields) == PRIZE_FIELDS


# --- the admin ---------------------------------------------------------------------

ADMIN_ADD_URL = reverse("admin:events_campaign_add")
ADMIN_LIST_URL = reverse("admin:events_campaign_changelist")


def admin_change_url(campaign: Campaign) -> str:
    return reverse("admin:events_campaign_change", args=[campaign.pk])


def admin_page_data(response, **changes) -> dict:
    """Return what a browser posts back from an admin form page, with changes."""
    form = response.context["adminform"].form
    forms = [form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        forms += inline.formset.initial_forms
    for each in forms:
        for name in each.fields:
            value = each[name].value()
            if value is None or value is False:
                continue  # what a browser leaves out: an empty date, a box unticked
            data[each.add_prefix(name)] = "on" if value is True else str(value)
    data.update(changes)
    return data


def admin_prize_rows(rows, *, start: int = 0) -> dict:
    data = {"prizes-TOTAL_FORMS": str(start + len(rows))}
    for index, row in enumerate(rows, start):
        for name, value in zip(PRIZE_FIELDS, row, strict=True):
            data[f"prizes-{index}-{name}"] = str(value)
    return data


def admin_errors(response) -> dict:
    assert response.status_code == 200  # the admin shows a refused form again
    return response.context["adminform"].form.errors


@pytest.fixture
def helper(db):
    return builders.user(username="it", role="helper")


def test_organiser_creates_a_campaign_in_the_admin_with_weights_merged(organiser):
    client = logged_in(organiser)
    page = client.get(ADMIN_ADD_URL)
    assert page.status_code == 200
    data = admin_page_data(
        page,
        name="  Chủ nhật xanh 2027 ",
        slug=NEW_SLUG,
        registration_start="2027-03-01",
        registration_end="2027-03-31",
        activity_start="2027-03-15",
        activity_end="2027-05-31",
        scoring=json.dumps({"priority_multiplier": 2}),
        plausibility=json.dumps({"photo_hash_distance": 4}),
        **admin_prize_rows(TWO_PRIZES),
    )
    response = client.post(ADMIN_ADD_URL, data)
    assert response.status_code == 302, admin_errors(response)
    campaign = Campaign.objects.get(slug=NEW_SLUG)
    assert campaign.name == "Chủ nhật xanh 2027"  # trimmed, as the service does
    # Only the keys typed in change: the rest come from the documented defaults.
    assert campaign.scoring == {**SCORING, "priority_multiplier": 2}
    assert campaign.plausibility == {**PLAUSIBILITY, "photo_hash_distance": 4}
    assert sorted(campaign.prizes.values_list(*PRIZE_FIELDS)) == sorted(TWO_PRIZES)
    assert LogEntry.objects.filter(
        object_id=str(campaign.pk), action_flag=ADDITION
    ).exists()
    assert response["Location"] == ADMIN_LIST_URL


def test_admin_edit_keeps_the_slug_merges_weights_and_replaces_prizes(
    campaign, organiser
):
    client = logged_in(organiser)
    page = client.get(admin_change_url(campaign))
    assert page.status_code == 200
    # The slug shows as text, with no box to type in.
    assert SLUG in html_of(page) and 'name="slug"' not in html_of(page)
    last = len(PRIZES_2024) - 1  # the individual prize line
    data = admin_page_data(
        page,
        slug="doi-ma",
        name="Chủ nhật xanh 2026 (sửa)",
        scoring=json.dumps({"coverage_bonus_per_area": 30}),
        **{f"prizes-{last}-DELETE": "on"},
        **admin_prize_rows([TWO_PRIZES[1]], start=len(PRIZES_2024)),
    )
    data["prizes-0-amount_vnd"] = "3500000"
    response = client.post(admin_change_url(campaign), data)
    assert response.status_code == 302, admin_errors(response)
    assert not Campaign.objects.filter(slug="doi-ma").exists()
    campaign.refresh_from_db()
    assert campaign.slug == SLUG
    assert campaign.name == "Chủ nhật xanh 2026 (sửa)"
    assert campaign.scoring == {**SCORING, "coverage_bonus_per_area": 30}
    expected = [PRIZES_2024[0][:4] + (3_500_000,), *PRIZES_2024[1:last], TWO_PRIZES[1]]
    assert sorted(campaign.prizes.values_list(*PRIZE_FIELDS)) == sorted(expected)
    entry = LogEntry.objects.get(object_id=str(campaign.pk), action_flag=CHANGE)
    assert "Giải Nhất" in entry.get_change_message()


def test_admin_refuses_a_reserved_slug_beside_the_field(organiser):
    client = logged_in(organiser)
    data = admin_page_data(
        client.get(ADMIN_ADD_URL),
        name="Trang mới",
        slug="new",
        registration_start="2027-03-01",
        registration_end="2027-03-31",
        activity_start="2027-03-15",
        activity_end="2027-05-31",
    )
    errors = admin_errors(client.post(ADMIN_ADD_URL, data))
    assert errors == {"slug": ["Mã này trùng với một trang có sẵn; hãy chọn mã khác."]}
    assert not Campaign.objects.exists()


def test_admin_refuses_a_taken_slug_once(campaign, organiser):
    client = logged_in(organiser)
    data = admin_page_data(
        client.get(ADMIN_ADD_URL),
        name="Bản sao",
        slug=SLUG,
        registration_start="2027-03-01",
        registration_end="2027-03-31",
        activity_start="2027-03-15",
        activity_end="2027-05-31",
    )
    errors = admin_errors(client.post(ADMIN_ADD_URL, data))
    assert errors == {"slug": ["Đã có chiến dịch với mã này."]}
    assert Campaign.objects.count() == 1


def test_admin_edit_with_a_reversed_window_is_a_form_error_and_changes_nothing(
    campaign, organiser
):
    before = stored(campaign)
    client = logged_in(organiser)
    data = admin_page_data(
        client.get(admin_change_url(campaign)),
        # Reversed, yet opening no later than the activity starts (another rule).
        registration_start=campaign.activity_start.isoformat(),
        registration_end=(campaign.activity_start - dt.timedelta(days=30)).isoformat(),
        **{"prizes-0-DELETE": "on"},
    )
    errors = admin_errors(client.post(admin_change_url(campaign), data))
    assert errors == {"registration_end": ["Ngày đóng đăng ký phải sau ngày mở."]}
    assert stored(campaign) == before


def test_admin_duplicate_prize_lines_change_nothing(campaign, organiser):
    before = stored(campaign)
    client = logged_in(organiser)
    data = admin_page_data(
        client.get(admin_change_url(campaign)),
        **admin_prize_rows([TWO_PRIZES[0], TWO_PRIZES[0]], start=len(PRIZES_2024)),
    )
    response = client.post(admin_change_url(campaign), data)
    assert response.status_code == 200
    assert stored(campaign) == before


@pytest.mark.parametrize("page", ["list", "add", "change"])
def test_helpers_get_403_on_the_campaign_admin(campaign, helper, organiser, page):
    url = {
        "list": ADMIN_LIST_URL,
        "add": ADMIN_ADD_URL,
        "change": admin_change_url(campaign),
    }[page]
    assert logged_in(organiser).get(url).status_code == 200
    assert logged_in(helper).get(url).status_code == 403


def test_helpers_cannot_change_a_campaign_in_the_admin(campaign, helper, organiser):
    before = stored(campaign)
    data = admin_page_data(
        logged_in(organiser).get(admin_change_url(campaign)),
        registration_start="2026-01-01",
    )
    response = logged_in(helper).post(admin_change_url(campaign), data)
    assert response.status_code == 403
    assert stored(campaign) == before
