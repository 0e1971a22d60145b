"""The results desk (freeze, tie orders, publication, audit), the public results
page and the results exports: request -> response -> database state."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from events.models import Certificate, ResultFreeze, TieBreak
from events.results.services import campaign_freeze, results_publish
from tests import builders
from tests.events.results.test_results import team


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def manage_url(campaign) -> str:
    return reverse("events:results-manage", args=[campaign.slug])


def results_url(campaign) -> str:
    return reverse("events:results", args=[campaign.slug])


def export_url(campaign, fmt: str) -> str:
    return reverse("events:results-export", args=[campaign.slug, fmt])


def resident(name: str = "dan"):
    return builders.user(username=name)


def page_text(response) -> str:
    return response.content.decode()


def table_row(text: str, entrant_id: int) -> str:
    """Return the HTML of the table row of one entrant."""
    start = text.index(f'data-entrant="{entrant_id}"')
    return text[start : text.index("</tr>", start)]


@pytest.fixture
def contest(world):
    """Two teams with prizes and a third (no publish consent) without one."""
    campaign, organiser, judge, secretary = world
    first, _ = team(campaign, organiser, judge, 1, "100")
    second, _ = team(campaign, organiser, judge, 2, "50", publish=False)
    third, _ = team(campaign, organiser, judge, 3, "10")
    return world, (first, second, third)


@pytest.fixture
def published(contest):
    (campaign, organiser, _judge, secretary), entrants = contest
    campaign_freeze(campaign=campaign, actor=organiser)
    results_publish(campaign=campaign, actor=secretary)
    return contest


# --- the results desk -----------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("organiser", 200), ("judge", 200), ("secretary", 200), ("resident", 403)],
)
def test_results_desk_is_for_organisers_judges_and_the_secretary(
    world,
    role,
    status,
):
    campaign, organiser, judge, secretary = world
    users = {"organiser": organiser, "judge": judge, "secretary": secretary}
    user = users.get(role) or resident()
    response = client_for(user).get(manage_url(campaign))
    assert response.status_code == status
    if status == 200:
        assert 'data-state="open"' in page_text(response)


def test_results_desk_sends_anonymous_visitors_to_log_in(world):
    campaign = world[0]
    response = Client().get(manage_url(campaign))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_ioc_may_not_post_to_the_desk(contest):
    (campaign, *_), _ = contest
    ioc = builders.user(username="ioc", role="ioc")
    response = client_for(ioc).post(manage_url(campaign), {"action": "freeze"})
    assert response.status_code == 403
    assert not ResultFreeze.objects.exists()


def test_open_desk_shows_live_standings_and_role_buttons(contest):
    (campaign, organiser, judge, secretary), (first, second, third) = contest
    text = page_text(client_for(organiser).get(manage_url(campaign)))
    assert "Chốt kết quả" in text and 'data-testid="freeze-form"' in text
    assert text.index("Đội Hương Giang số 1") < text.index("Đội Hương Giang số 2")
    assert "Giải Nhất" in text and "3.000.000 ₫" in text
    # Staff see every name, consent or not, but never contact data.
    assert "Đội Hương Giang số 2" in text and "r2@example.vn" not in text
    judge_text = page_text(client_for(judge).get(manage_url(campaign)))
    assert 'data-testid="freeze-form"' not in judge_text
    secretary_text = page_text(client_for(secretary).get(manage_url(campaign)))
    assert 'data-testid="publish-form"' not in secretary_text  # nothing frozen yet


def test_freeze_publish_and_reopen_through_the_desk(contest):
    (campaign, organiser, judge, secretary), (first, second, third) = contest
    organiser_client = client_for(organiser)

    response = organiser_client.post(
        manage_url(campaign), {"action": "freeze"}, follow=True
    )
    assert response.redirect_chain[-1][0] == manage_url(campaign)
    text = page_text(response)
    assert "Đã chốt kết quả." in text
    assert 'data-state="frozen"' in text
    assert text.count('data-testid="audit-row"') == 1
    freeze = ResultFreeze.objects.get()
    assert freeze.frozen_by == organiser

    secretary_client = client_for(secretary)
    text = page_text(secretary_client.get(manage_url(campaign)))
    assert 'data-testid="publish-form"' in text
    assert 'data-testid="reopen-form"' not in text  # organisers only
    response = secretary_client.post(
        manage_url(campaign), {"action": "publish"}, follow=True
    )
    text = page_text(response)
    assert "Đã công bố kết quả và cấp 2 giấy chứng nhận." in text
    assert 'data-state="published"' in text
    freeze.refresh_from_db()
    assert freeze.published_by == secretary
    assert Certificate.objects.filter(freeze=freeze).count() == 2

    response = organiser_client.post(
        manage_url(campaign), {"action": "reopen", "reason": "  "}, follow=True
    )
    assert "Cần ghi lý do mở lại." in page_text(response)
    freeze.refresh_from_db()
    assert freeze.reopened_at is None

    response = organiser_client.post(
        manage_url(campaign),
        {"action": "reopen", "reason": "Khiếu nại của Đội số 3"},
        follow=True,
    )
    text = page_text(response)
    assert "Đã mở lại việc chấm." in text
    assert 'data-state="open"' in text
    freeze.refresh_from_db()
    assert freeze.reopened_by == organiser
    audit = text[text.index('data-testid="audit"') :]
    assert "Khiếu nại của Đội số 3" in audit
    assert "btc" in audit and "tk" in audit  # who froze/reopened, who published
    assert "2 đã thu hồi" in audit


def test_roles_without_the_right_get_the_services_refusal(contest):
    (campaign, organiser, judge, secretary), _ = contest
    response = client_for(judge).post(
        manage_url(campaign), {"action": "freeze"}, follow=True
    )
    assert "Bạn không có quyền thực hiện thao tác này." in page_text(response)
    assert not ResultFreeze.objects.exists()
    response = client_for(secretary).post(
        manage_url(campaign), {"action": "publish"}, follow=True
    )
    assert "Cần chốt kết quả trước khi công bố." in page_text(response)
    response = client_for(organiser).post(
        manage_url(campaign), {"action": "delete-everything"}, follow=True
    )
    assert "Thao tác không hợp lệ." in page_text(response)


def test_desk_actions_are_post_only_and_need_csrf(contest):
    (campaign, organiser, *_), _ = contest
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    assert client.post(manage_url(campaign), {"action": "freeze"}).status_code == 403
    assert not ResultFreeze.objects.exists()
    client.get(manage_url(campaign), {"action": "freeze"})
    assert not ResultFreeze.objects.exists()


def test_judge_orders_a_boundary_tie_with_the_form(world):
    campaign, organiser, judge, secretary = world
    a, _ = team(campaign, organiser, judge, 1, "100")
    b, _ = team(campaign, organiser, judge, 2, "100")
    judge_client = client_for(judge)
    text = page_text(judge_client.get(manage_url(campaign)))
    assert text.count('data-testid="tie-group"') == 1
    assert text.count('data-testid="tie-form"') == 1
    assert text.count('name="order"') == 2
    assert "boundary-tie" in text
    # Organisers see the tie but do not decide it.
    organiser_text = page_text(client_for(organiser).get(manage_url(campaign)))
    assert 'data-testid="tie-group"' in organiser_text
    assert 'data-testid="tie-form"' not in organiser_text

    response = judge_client.post(
        manage_url(campaign),
        {
            "action": "tie",
            "category": "collective",
            "order": [a.pk, a.pk],
            "reason": "x",
        },
        follow=True,
    )
    assert "Mỗi đội phải được xếp vào đúng một vị trí." in page_text(response)
    response = judge_client.post(
        manage_url(campaign),
        {"action": "tie", "category": "collective", "order": [b.pk, a.pk]},
        follow=True,
    )
    assert "Cần ghi lý do." in page_text(response)
    assert not TieBreak.objects.exists()

    response = judge_client.post(
        manage_url(campaign),
        {
            "action": "tie",
            "category": "collective",
            "order": [b.pk, a.pk],
            "reason": "Đội 2 làm sạch điểm khó tiếp cận hơn",
        },
        follow=True,
    )
    text = page_text(response)
    assert "Đã ghi quyết định thứ tự của Ban Giám khảo (Tập thể)." in text
    tie = TieBreak.objects.get()
    assert tie.order == [b.pk, a.pk] and tie.judge == judge
    assert 'data-testid="tie-form"' not in text  # settled
    assert "Đội 2 làm sạch điểm khó tiếp cận hơn" in text  # in the audit
    # The decided order shows at once: b first with the first prize, then a.
    assert "Giải Nhất" in table_row(text, b.pk) and "Giải Nhì" in table_row(text, a.pk)
    assert text.index(f'data-entrant="{b.pk}"') < text.index(f'data-entrant="{a.pk}"')

    freeze = campaign_freeze(campaign=campaign, actor=organiser)
    awards = freeze.snapshot["results"]["collective"]["awards"]
    assert [x["entrant_id"] for x in awards] == [b.pk, a.pk]


def test_frozen_tie_blocks_publication_on_the_desk(world):
    campaign, organiser, judge, secretary = world
    team(campaign, organiser, judge, 1, "100")
    team(campaign, organiser, judge, 2, "100")
    campaign_freeze(campaign=campaign, actor=organiser)
    text = page_text(client_for(secretary).get(manage_url(campaign)))
    assert 'data-testid="open-ties"' in text
    response = client_for(secretary).post(
        manage_url(campaign), {"action": "publish"}, follow=True
    )
    assert "chưa được Ban Giám khảo quyết định" in page_text(response)
    assert not Certificate.objects.exists()


# --- the public results page ----------------------------------------------------


def test_public_results_are_404_until_published(contest):
    (campaign, organiser, _judge, secretary), _ = contest
    response = Client().get(results_url(campaign))
    assert response.status_code == 404
    assert "Kết quả chưa được công bố" in page_text(response)
    campaign_freeze(campaign=campaign, actor=organiser)
    assert Client().get(results_url(campaign)).status_code == 404  # frozen only
    results_publish(campaign=campaign, actor=secretary)
    assert Client().get(results_url(campaign)).status_code == 200


def test_public_results_show_names_only_with_consent_and_no_contact_data(published):
    (campaign, *_), (first, second, third) = published
    response = Client().get(results_url(campaign))
    text = page_text(response)
    assert "Đội Hương Giang số 1" in text and "Đội Hương Giang số 3" in text
    assert "Đội Hương Giang số 2" not in text  # no consent to publish
    assert f"Đội thi #{second.pk}" in text
    for n in (1, 2, 3):
        assert f"r{n}@example.vn" not in text
        assert f"090512345{n}" not in text
        assert f"Người đại diện {n}" not in text
    assert "Giải Nhất" in text and "3.000.000 ₫" in text
    assert "2.000.000 ₫" in text


def test_public_results_explain_scores_and_link_certificates(published):
    (campaign, *_), (first, second, third) = published
    text = page_text(Client().get(results_url(campaign)))
    assert text.count('data-testid="result-row"') == 3
    assert text.count('data-testid="certificate-link"') == 2
    for certificate in Certificate.objects.all():
        assert certificate.get_absolute_url() in text
    # The breakdown: entrant lines and each event's lines, in Vietnamese.
    assert "Điểm của 1 sự kiện" in text
    assert "Rác khác và chưa phân loại 100" in text
    assert reverse("events:event", args=[first.events.get().pk]) in text


def test_campaign_page_links_results_once_published(contest):
    (campaign, organiser, _judge, secretary), _ = contest
    anonymous = Client()
    text = page_text(anonymous.get(campaign.get_absolute_url()))
    assert 'data-testid="results-link"' not in text
    assert 'data-testid="results-manage-link"' not in text
    assert manage_url(campaign) in page_text(
        client_for(secretary).get(campaign.get_absolute_url())
    )
    campaign_freeze(campaign=campaign, actor=organiser)
    results_publish(campaign=campaign, actor=secretary)
    text = page_text(anonymous.get(campaign.get_absolute_url()))
    assert 'data-testid="results-link"' in text and results_url(campaign) in text


# --- exports ----------------------------------------------------------------------


def test_results_csv_has_ranks_real_names_points_and_prizes(published):
    (campaign, _organiser, _judge, secretary), (first, second, third) = published
    response = client_for(secretary).get(export_url(campaign, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="{campaign.slug}-ket-qua-'
    )
    assert response["Cache-Control"] == "private, no-store"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["Đội thi"] for r in rows] == [
        "Đội Hương Giang số 1",
        "Đội Hương Giang số 2",  # staff export: the real name
        "Đội Hương Giang số 3",
    ]
    top = rows[0]
    assert top["Hạng"] == "1" and top["Hạng mục"] == "Tập thể"
    assert top["Mã đội"] == str(first.pk)
    assert top["Giải"] == "Giải Nhất" and top["Trị giá (VND)"] == "3000000"
    # 100 kg of unsorted waste x 1 point, plus 20 points for one district.
    assert (top["Điểm"], top["Điểm sự kiện"], top["Thưởng độ phủ"]) == (
        "120.00",
        "100.00",
        "20.00",
    )
    assert top["Số địa bàn"] == "1"
    assert top["Khối lượng quy đổi ưu tiên (kg)"] == "100.00"
    assert rows[2]["Giải"] == "" and rows[2]["Trị giá (VND)"] == ""
    assert "r1@example.vn" not in response.content.decode("utf-8-sig")


def test_results_xlsx_keeps_numbers(published):
    (campaign, organiser, *_), (first, *_) = published
    response = client_for(organiser).get(export_url(campaign, "xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, top = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert "Khối lượng quy đổi ưu tiên (kg)" in header
    assert top["Đội thi"] == "Đội Hương Giang số 1"
    assert top["Trị giá (VND)"] == 3_000_000
    assert top["Khối lượng quy đổi ưu tiên (kg)"] == pytest.approx(100)
    assert isinstance(top["Điểm"], int | float) and top["Điểm"] > 0
    assert len(rows) == 4


def test_results_pdf_keeps_vietnamese_names_intact(published):
    (campaign, _organiser, _judge, secretary), _ = published
    response = client_for(secretary).get(export_url(campaign, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Đội Hương Giang số 1" in text
    assert "Đội Hương Giang số 3" in text
    assert "Giải Nhất" in text and "3.000.000 ₫" in text
    assert "Kết quả cuộc thi" in text and "Đã công bố lúc" in text


def test_staff_export_the_frozen_results_before_publication(contest):
    (campaign, organiser, *_), _ = contest
    assert client_for(organiser).get(export_url(campaign, "csv")).status_code == 404
    campaign_freeze(campaign=campaign, actor=organiser)
    response = client_for(organiser).get(export_url(campaign, "pdf"))
    assert response.status_code == 200
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "chưa công bố" in text


@pytest.mark.parametrize("who", ["anonymous", "resident", "judge"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_results_exports_are_forbidden_to_others(published, who, fmt):
    (campaign, _organiser, judge, _secretary), _ = published
    user = {"anonymous": None, "resident": resident(), "judge": judge}[who]
    response = client_for(user).get(export_url(campaign, fmt))
    assert response.status_code == 403
    assert "Đội Hương Giang số 2".encode() not in response.content


def test_unknown_results_export_format_is_404(published):
    (campaign, organiser, *_), _ = published
    assert client_for(organiser).get(export_url(campaign, "docx")).status_code == 404
