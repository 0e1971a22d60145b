"""Certificates: issued on publication, drawn as PDF in Vietnamese, verified by
their code, downloaded by the winner and staff, revoked when judging reopens."""

import io
import logging
import zipfile

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from events.models import Certificate
from events.results import certificates
from events.results.services import campaign_freeze, campaign_reopen, results_publish
from tests import builders
from tests.events.results.test_results import team


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def pdf_text(content: bytes) -> str:
    return "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
    )


@pytest.fixture
def published(world):
    """Published results: two winners (one without consent to publish), one not."""
    campaign, organiser, judge, secretary = world
    first, _ = team(campaign, organiser, judge, 1, "100")
    second, _ = team(campaign, organiser, judge, 2, "50", publish=False)
    team(campaign, organiser, judge, 3, "10")
    campaign_freeze(campaign=campaign, actor=organiser)
    results_publish(campaign=campaign, actor=secretary)
    return world, first, second


def certificate_of(entrant) -> Certificate:
    return Certificate.objects.get(entrant=entrant, revoked_at__isnull=True)


def test_publication_issues_a_certificate_per_prize(published):
    (campaign, *_), first, second = published
    issued = list(Certificate.objects.order_by("prize_rank"))
    assert [(c.entrant, c.prize_label, c.amount_vnd, c.category) for c in issued] == [
        (first, "Giải Nhất", 3_000_000, "collective"),
        (second, "Giải Nhì", 2_000_000, "collective"),
    ]
    assert all(c.freeze.campaign == campaign for c in issued)


def test_certificate_pdf_has_vietnamese_text_code_and_verify_url(published):
    _world, first, _second = published
    certificate = certificate_of(first)
    url = f"https://chunhatxanh.example.vn/certificates/{certificate.code}/"
    content = certificates.certificate_pdf(certificate, verify_url=url)
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    text = pdf_text(content)
    assert "GIẤY CHỨNG NHẬN" in text
    assert "Chứng nhận" in text
    assert "Đội Hương Giang số 1" in text
    assert "Thử nghiệm" in text  # the campaign
    assert "Giải Nhất" in text and "tập thể" in text
    assert "3.000.000 ₫" in text
    issued = timezone.localtime(certificate.issued_at).strftime("%d/%m/%Y")
    assert f"Huế, ngày {issued}" in text
    assert "GIÁM ĐỐC" in text and "(Ký, ghi rõ họ tên, đóng dấu)" in text
    assert certificate.code in text
    assert url in text  # printed under the QR code, which encodes the same URL


def test_certificate_names_typed_with_combining_marks_print_composed(published):
    _world, first, _second = published
    certificate = certificate_of(first)
    certificate.entrant_name = "Đội Hương Giang số 1".replace("ư", "u\u031b")
    text = pdf_text(certificates.certificate_pdf(certificate, verify_url="http://x/"))
    assert "Đội Hương Giang số 1" in text


def test_a_missing_font_names_the_package_to_install(monkeypatch, tmp_path, settings):
    settings.PDF_FONT_DIRS = [str(tmp_path)]
    monkeypatch.setattr(certificates, "FONT_DIRS", ())
    with pytest.raises(ImproperlyConfigured, match="fonts-dejavu-core"):
        certificates._find_font("DejaVuSans.ttf")


# --- the verification page ----------------------------------------------------


def test_verification_page_shows_a_valid_certificate(published):
    (campaign, *_), first, _second = published
    certificate = certificate_of(first)
    response = Client().get(reverse("certificates:verify", args=[certificate.code]))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-state="valid"' in text
    assert "Giải Nhất" in text and "Tập thể" in text and "3.000.000 ₫" in text
    assert campaign.name in text and "Đội Hương Giang số 1" in text
    assert 'data-testid="certificate-download"' not in text  # anonymous visitor
    assert "r1@example.vn" not in text


def test_verification_page_uses_the_public_name(published):
    _world, _first, second = published
    certificate = certificate_of(second)
    text = Client().get(certificate.get_absolute_url()).content.decode()
    assert "Đội Hương Giang số 2" not in text
    assert f"Đội thi #{second.pk}" in text
    assert "Giải Nhì" in text


def test_verification_accepts_a_code_typed_in_lower_case(published):
    _world, first, _second = published
    code = certificate_of(first).code
    response = Client().get(reverse("certificates:verify", args=[code.lower()]))
    assert response.status_code == 200 and code in response.content.decode()


def test_an_unknown_code_is_404(published):
    response = Client().get(reverse("certificates:verify", args=["ZZZZ2222"]))
    assert response.status_code == 404
    assert Client().get(reverse("certificates:pdf", args=["ZZZZ2222"])).status_code == (
        404
    )


def test_winner_and_staff_see_the_download_link(published):
    (_campaign, organiser, *_), first, _second = published
    certificate = certificate_of(first)
    pdf_url = reverse("certificates:pdf", args=[certificate.code])
    for user in (first.representative, organiser):
        text = client_for(user).get(certificate.get_absolute_url()).content.decode()
        assert pdf_url in text


def test_reopening_revokes_the_certificate(published):
    (campaign, organiser, *_), first, _second = published
    certificate = certificate_of(first)
    campaign_reopen(campaign=campaign, actor=organiser, reason="Khiếu nại")
    text = Client().get(certificate.get_absolute_url()).content.decode()
    assert 'data-state="revoked"' in text and "Đã bị thu hồi" in text
    assert 'data-state="valid"' not in text
    for user in (first.representative, organiser):
        response = client_for(user).get(
            reverse("certificates:pdf", args=[certificate.code])
        )
        assert response.status_code == 410
        assert "Đã bị thu hồi" in response.content.decode()
        assert not response.content.startswith(b"%PDF")


# --- downloads ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("winner", 200),
        ("organiser", 200),
        ("secretary", 200),
        ("other resident", 403),
        ("other winner", 403),
        ("judge", 403),
        ("anonymous", 302),
    ],
)
def test_pdf_download_permissions(published, who, status):
    (_campaign, organiser, judge, secretary), first, second = published
    other = builders.user(username="khac")
    user = {
        "winner": first.representative,
        "organiser": organiser,
        "secretary": secretary,
        "other resident": other,
        "other winner": second.representative,
        "judge": judge,
        "anonymous": None,
    }[who]
    certificate = certificate_of(first)
    response = client_for(user).get(
        reverse("certificates:pdf", args=[certificate.code])
    )
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Disposition"] == (
            f'attachment; filename="{certificate.code}-doi-huong-giang-so-1.pdf"'
        )
        text = pdf_text(response.content)
        # The QR code's URL is absolute: the site's own address.
        assert f"http://testserver/certificates/{certificate.code}/" in text
    else:
        assert not response.content.startswith(b"%PDF")


def test_anonymous_download_goes_to_log_in_and_back(published):
    _world, first, _second = published
    pdf_url = reverse("certificates:pdf", args=[certificate_of(first).code])
    response = Client().get(pdf_url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={pdf_url}"
    # After logging in, the winner is sent back to the PDF.
    client = Client()
    login = client.post(
        response["Location"],
        {"username": first.representative.username, "password": builders.PASSWORD},
    )
    assert login.status_code == 302 and login["Location"] == pdf_url
    assert client.get(pdf_url)["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("who", ["anonymous", "other resident"])
def test_a_refused_download_logs_no_error_and_no_traceback(published, caplog, who):
    _world, first, _second = published
    user = None if who == "anonymous" else builders.user(username="khac")
    pdf_url = reverse("certificates:pdf", args=[certificate_of(first).code])
    with caplog.at_level("DEBUG"):
        response = client_for(user).get(pdf_url)
    assert response.status_code == (302 if user is None else 403)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert [r for r in caplog.records if r.exc_info] == []
    if user is not None:  # a normal page, with the site around it
        html = response.content.decode()
        assert "Không có quyền truy cập" in html and "<nav" in html
        assert response["Cache-Control"] == "private, no-store"


def test_zip_has_one_pdf_per_current_certificate(published):
    (campaign, organiser, _judge, secretary), first, second = published
    zip_url = reverse("events:certificates-zip", args=[campaign.slug])
    old = {c.code for c in Certificate.objects.all()}
    # Reopen, freeze and publish again: the first certificates are revoked.
    campaign_reopen(campaign=campaign, actor=organiser, reason="Sai sót")
    campaign_freeze(campaign=campaign, actor=organiser)
    results_publish(campaign=campaign, actor=secretary)
    current = {c.code: c for c in Certificate.objects.filter(revoked_at=None)}
    assert len(current) == 2 and not old & set(current)

    response = client_for(secretary).get(zip_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(archive.namelist())
    assert names == sorted(
        [
            f"{certificate_of(first).code}-doi-huong-giang-so-1.pdf",
            f"{certificate_of(second).code}-doi-huong-giang-so-2.pdf",
        ]
    )
    for name in names:
        code = name.split("-")[0]
        text = pdf_text(archive.read(name))
        assert current[code].entrant_name in text and code in text


@pytest.mark.parametrize("who", ["anonymous", "resident", "judge", "winner"])
def test_zip_is_for_the_secretary_and_organisers(published, who):
    (campaign, _organiser, judge, _secretary), first, _second = published
    other = builders.user(username="khac")
    user = {
        "anonymous": None,
        "resident": other,
        "judge": judge,
        "winner": first.representative,
    }[who]
    response = client_for(user).get(
        reverse("events:certificates-zip", args=[campaign.slug])
    )
    assert response.status_code == 403


def test_zip_without_certificates_is_404(world):
    campaign, organiser, *_ = world
    response = client_for(organiser).get(
        reverse("events:certificates-zip", args=[campaign.slug])
    )
    assert response.status_code == 404


# --- "Đội của tôi" ------------------------------------------------------------


def test_winner_sees_certificate_links_on_my_entrant(published):
    (campaign, organiser, *_), first, second = published
    certificate = certificate_of(first)
    html = (
        client_for(first.representative)
        .get(reverse("events:my-entrant"))
        .content.decode()
    )
    section = html[html.index('data-testid="my-certificates"') :]
    assert f'href="{certificate.get_absolute_url()}"' in section
    pdf_url = reverse("certificates:pdf", args=[certificate.code])
    assert f'href="{pdf_url}"' in section
    assert "Giải Nhất" in section and certificate.code in section
    assert section.count('data-testid="my-certificate"') == 1
    # Another winner sees only their own.
    other = client_for(second.representative).get(reverse("events:my-entrant"))
    assert certificate.code not in other.content.decode()
    # Reopened results revoke it: the link goes away.
    campaign_reopen(campaign=campaign, actor=organiser, reason="Khiếu nại")
    html = (
        client_for(first.representative)
        .get(reverse("events:my-entrant"))
        .content.decode()
    )
    assert 'data-testid="my-certificates"' not in html and pdf_url not in html


def test_frozen_but_unpublished_results_show_no_certificate(world):
    campaign, organiser, judge, _secretary = world
    first, _ = team(campaign, organiser, judge, 1, "100")
    campaign_freeze(campaign=campaign, actor=organiser)
    html = (
        client_for(first.representative)
        .get(reverse("events:my-entrant"))
        .content.decode()
    )
    assert 'data-testid="my-certificates"' not in html
