"""Notifications: who is told of what, the email after commit (and never on a
rollback), the unsubscribe link without logging in, the language, the in-app list."""

import re

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from hotspots import services as hotspot_services
from hotspots.services import Contact
from notifications import kinds, tokens
from notifications.models import EmailState, Notification, Preference
from notifications.selectors import unread_count
from notifications.services import email_unsubscribe, preference_set
from tests import builders

REPORTER_EMAIL = "nguoibao@example.vn"


@pytest.fixture
def reporter(db):
    return builders.user(username="nguoibao", email=REPORTER_EMAIL)


@pytest.fixture
def reported(demo_areas, reporter):
    return builders.hotspot(location=builders.at(3), reporter=reporter)


def _unsubscribe_url(message) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    return re.fullmatch(r"<https?://[^/]+(/.+)>", header).group(1)


def test_verifying_a_report_emails_its_reporter_once_after_commit(
    reported, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        hotspot_services.hotspot_verify(hotspot=reported, actor=organiser)
        # Inside the transaction: recorded, not sent.
        assert mail.outbox == []
        (queued,) = Notification.objects.all()
        assert queued.email_state == EmailState.PENDING
    assert len(callbacks) == 1
    (message,) = mail.outbox
    assert message.to == [REPORTER_EMAIL]
    assert message.subject == (
        f"[Chủ nhật xanh] Báo cáo điểm nóng #{reported.pk} đã được xác minh"
    )
    follow = reverse("hotspots:follow", args=[reported.follow_token])
    assert follow in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and follow in html and 'lang="vi"' in html
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    assert _unsubscribe_url(message) in message.body
    assert _unsubscribe_url(message) in html
    queued.refresh_from_db()
    assert queued.email_state == EmailState.SENT and queued.email_attempts == 1
    assert queued.user_id == reported.reporter_id and queued.about == reported
    # A task delivered twice sends nothing more.
    from notifications.tasks import send_email

    send_email.apply((queued.pk,))
    assert len(mail.outbox) == 1


def test_a_rolled_back_decision_sends_nothing(
    reported, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            hotspot_services.hotspot_verify(hotspot=reported, actor=organiser)
            raise RuntimeError("rollback")
    assert callbacks == []
    assert mail.outbox == [] and not Notification.objects.exists()


def _last_subject() -> str:
    return mail.outbox[-1].subject.removeprefix("[Chủ nhật xanh] ")


def test_rejected_report_is_told_with_the_reason(
    reported, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        hotspot_services.hotspot_reject(
            hotspot=reported, actor=organiser, reason="Ảnh không rõ"
        )
    (message,) = mail.outbox
    assert _last_subject() == f"Báo cáo điểm nóng #{reported.pk} chưa được chấp nhận"
    assert "Lý do: Ảnh không rõ" in message.body


def test_merged_report_is_told_where_it_went(
    reported, organiser, django_capture_on_commit_callbacks
):
    kept = builders.hotspot(location=builders.at(4))
    with django_capture_on_commit_callbacks(execute=True):
        hotspot_services.hotspot_merge(duplicate=reported, into=kept, actor=organiser)
    (message,) = mail.outbox
    assert message.to == [REPORTER_EMAIL]
    assert _last_subject() == f"Báo cáo điểm nóng #{reported.pk} đã được gộp"
    assert f"#{kept.pk}" in message.body
    # The kept report's (anonymous, contactless) reporter is not told.
    assert Notification.objects.get().kind == kinds.REPORT_MERGED


def test_cleaned_then_reopened_report_is_told_each_step(
    reported, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        hotspot_services.hotspot_verify(hotspot=reported, actor=organiser)
    with django_capture_on_commit_callbacks(execute=True):
        hotspot_services.hotspot_mark_cleaned(hotspot=reported, actor=organiser)
    assert _last_subject() == f"Điểm nóng #{reported.pk} đã được thu gom"
    # Someone else reports rubbish at the same place again: it reopens.
    with django_capture_on_commit_callbacks(execute=True):
        result = hotspot_services.hotspot_report(
            location=builders.at(3),
            category="plastic",
            size_class=builders.SizeClass.objects.get(key="bag"),
        )
    assert result.reopened
    assert _last_subject() == f"Điểm nóng #{reported.pk} đã tái xuất hiện"
    assert [m.to for m in mail.outbox] == [[REPORTER_EMAIL]] * 3
    assert list(Notification.objects.order_by("id").values_list("kind", flat=True)) == [
        kinds.REPORT_VERIFIED,
        kinds.REPORT_CLEANED,
        kinds.REPORT_REOPENED,
    ]


def test_a_claim_is_told_as_cleaned_only_when_verified(
    reported, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        hotspot_services.hotspot_mark_cleaned(hotspot=reported, actor=organiser)
    assert mail.outbox == []  # cleaned_unverified: nothing public happened yet
    with django_capture_on_commit_callbacks(execute=True):
        hotspot_services.hotspot_verify(hotspot=reported, actor=organiser)
    assert [_last_subject()] == [f"Điểm nóng #{reported.pk} đã được thu gom"]


def test_anonymous_reporter_is_emailed_only_at_an_address_given_with_consent(
    demo_areas, organiser, django_capture_on_commit_callbacks
):
    with_email = builders.hotspot(
        location=builders.at(5),
        contact=Contact(name="Hoa", email="hoa@example.vn"),
        contact_consent=True,
    )
    phone_only = builders.hotspot(
        location=builders.at(6),
        contact=Contact(name="Bình", phone="0905111222"),
        contact_consent=True,
    )
    nothing = builders.hotspot(location=builders.at(7))
    with django_capture_on_commit_callbacks(execute=True):
        for hotspot in (with_email, phone_only, nothing):
            hotspot_services.hotspot_verify(hotspot=hotspot, actor=organiser)
    assert [m.to for m in mail.outbox] == [["hoa@example.vn"]]
    (notification,) = Notification.objects.all()
    assert notification.user is None and notification.about == with_email
    # Without consent no contact is kept at all, so there is no one to mail.
    with pytest.raises(hotspot_services.HotspotError):
        builders.hotspot(
            location=builders.at(8),
            contact=Contact(email="khong@example.vn"),
            contact_consent=False,
        )


def test_a_withdrawn_contact_leaves_no_address_on_its_notifications(
    demo_areas, organiser
):
    """Deleting a reporter's contact (their request) also forgets the address
    copied onto the notifications, and a waiting email is not sent; an address
    another report still holds with consent stays."""
    first = builders.hotspot(
        location=builders.at(5),
        contact=Contact(name="Hoa", email="hoa@example.vn"),
        contact_consent=True,
    )
    second = builders.hotspot(
        location=builders.at(6),
        contact=Contact(name="Hoa", email="HOA@example.vn"),
        contact_consent=True,
    )
    hotspot_services.hotspot_verify(hotspot=first, actor=organiser)  # not committed
    (waiting,) = Notification.objects.all()
    assert (waiting.email, waiting.email_state) == ("hoa@example.vn", "pending")
    first.reporter_contacts.get().delete()
    waiting.refresh_from_db()
    assert waiting.email == "hoa@example.vn"  # the second report still holds it
    second.reporter_contacts.get().delete()
    waiting.refresh_from_db()
    assert (waiting.email, waiting.email_state) == ("", EmailState.SKIPPED)
    assert not Notification.objects.filter(email__iexact="hoa@example.vn").exists()


def test_an_unsubscribed_address_gets_no_email(
    reported, organiser, django_capture_on_commit_callbacks
):
    email_unsubscribe(email=REPORTER_EMAIL.upper())
    with django_capture_on_commit_callbacks(execute=True):
        hotspot_services.hotspot_verify(hotspot=reported, actor=organiser)
    assert mail.outbox == []
    notification = Notification.objects.get()
    assert notification.email_state == EmailState.SKIPPED
    assert unread_count(user=reported.reporter) == 1  # still listed in the app


def test_an_account_that_turned_emails_off_gets_none(
    reported, reporter, organiser, django_capture_on_commit_callbacks
):
    preference_set(user=reporter, language="vi", emails=False)
    with django_capture_on_commit_callbacks(execute=True):
        hotspot_services.hotspot_verify(hotspot=reported, actor=organiser)
    assert mail.outbox == []


def test_english_by_preference(
    reported, reporter, organiser, django_capture_on_commit_callbacks
):
    preference_set(user=reporter, language="en", emails=True)
    with django_capture_on_commit_callbacks(execute=True):
        hotspot_services.hotspot_verify(hotspot=reported, actor=organiser)
    (message,) = mail.outbox
    assert _last_subject() == f"Hotspot report #{reported.pk} has been verified"
    assert "Unsubscribe" in message.body and "Huỷ" not in message.body
    assert 'lang="en"' in message.alternatives[0][0]


def test_the_unsubscribe_link_works_without_logging_in(
    reported, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        hotspot_services.hotspot_verify(hotspot=reported, actor=organiser)
    url = _unsubscribe_url(mail.outbox[0])
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(url)
    # A GET (a mail scanner following the link) only shows the button.
    assert page.status_code == 200 and b'method="post"' in page.content
    assert not Preference.objects.exists()
    # The mail client's one-click POST (RFC 8058) carries no CSRF token.
    done = anonymous.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and b'data-testid="unsubscribed"' in done.content
    stopped = Preference.objects.get()
    assert stopped.email == REPORTER_EMAIL and stopped.unsubscribed_at
    assert anonymous.post(url).status_code == 200  # again: no change, no error
    # The address is not on the page (whoever holds the link sees no one's data).
    assert REPORTER_EMAIL.encode() not in page.content + done.content


def _flip(token: str, at: int) -> str:
    """The token with one character changed (never to itself)."""
    chars = list(token)
    chars[at] = "B" if chars[at] != "B" else "C"
    return "".join(chars)


@pytest.mark.parametrize(
    "token",
    [
        "khong-hop-le",
        _flip(tokens.make("a@example.vn"), -3),  # the signature
        _flip(tokens.make("a@example.vn"), 2),  # the signed value
    ],
    ids=["garbage", "signature", "value"],
)
def test_a_tampered_unsubscribe_token_is_a_400_page(db, token):
    response = Client().post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "Liên kết không hợp lệ" in response.content.decode()
    assert (
        Client().get(reverse("notifications:unsubscribe", args=[token])).status_code
        == 400
    )
    assert not Preference.objects.exists()


def test_registration_decisions_tell_the_representative(
    demo_areas, organiser, django_capture_on_commit_callbacks
):
    from events.campaigns.services import entrant_approve, entrant_reject

    campaign = builders.campaign()
    first = builders.entrant(campaign=campaign, approve=False, email="doi1@example.vn")
    second = builders.entrant(
        campaign=campaign,
        approve=False,
        username="minh",
        name="Đội Minh",
        email="doi2@example.vn",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        entrant_approve(entrant=first, actor=organiser)
        entrant_reject(entrant=second, actor=organiser, reason="Thiếu giấy tờ")
    assert [m.to for m in mail.outbox] == [["doi1@example.vn"], ["doi2@example.vn"]]
    assert "đã được duyệt" in mail.outbox[0].subject
    assert "Lý do: Thiếu giấy tờ" in mail.outbox[1].body
    assert reverse("events:my-entrant") in mail.outbox[0].body
    assert unread_count(user=first.representative) == 1
    assert Notification.objects.get(user=second.representative).kind == (
        kinds.REGISTRATION_REJECTED
    )


@pytest.mark.parametrize(
    ("verdict", "kind", "words"),
    [
        ("approve", kinds.EVENT_APPROVED, "đã được duyệt"),
        ("reject", kinds.EVENT_REJECTED, "bị loại"),
        ("adjust", kinds.EVENT_ADJUSTED, "có điều chỉnh"),
    ],
)
def test_event_decisions_tell_the_team_representative(
    contest, verdict, kind, words, django_capture_on_commit_callbacks
):
    event = builders.event(entrant=contest.entrant)
    mail.outbox.clear()
    figures = {"weight_kg": "40", "method": "estimated"} if verdict == "adjust" else {}
    with django_capture_on_commit_callbacks(execute=True):
        builders.decision(event=event, judge=contest.judge, verdict=verdict, **figures)
    (message,) = mail.outbox
    assert message.to == ["lan@example.vn"]
    assert words in message.subject and f"#{event.pk}" in message.subject
    assert event.get_absolute_url() in message.body
    if verdict != "approve":
        assert "Ảnh không khớp" in message.body
    notification = Notification.objects.get(kind=kind)
    assert notification.user == contest.rep and notification.about == event
    # No one else's personal data: neither the members nor the participants.
    assert "Trần" not in message.body


def test_the_list_shows_newest_first_and_marks_all_read(
    reported, reporter, organiser, django_assert_num_queries
):
    hotspot_services.hotspot_verify(hotspot=reported, actor=organiser)
    hotspot_services.hotspot_mark_cleaned(hotspot=reported, actor=organiser)
    client = Client()
    client.force_login(reporter)
    page = client.get(reverse("notifications:list")).content.decode()
    cleaned = page.index(f"Điểm nóng #{reported.pk} đã được thu gom")
    verified = page.index(f"Báo cáo điểm nóng #{reported.pk} đã được xác minh")
    assert cleaned < verified  # newest first
    assert page.count('class="notification unread"') == 2
    assert re.search(r'data-testid="unread-count">.*?2</span>', page)
    with django_assert_num_queries(1):
        assert unread_count(user=reporter) == 2
    response = client.post(reverse("notifications:read-all"))
    assert response.status_code == 302
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'class="notification unread"' not in page
    assert 'data-testid="unread-count"' not in page
    # Another resident sees none of them.
    other = Client()
    other.force_login(builders.user(username="khac"))
    page = other.get(reverse("notifications:list")).content.decode()
    assert f"#{reported.pk}" not in page and 'data-testid="unread-count"' not in page


def test_the_badge_is_for_signed_in_users_only(db):
    page = Client().get(reverse("hotspots:list")).content.decode()
    assert reverse("notifications:list") not in page


def test_preferences_are_saved_from_the_list(reporter):
    client = Client()
    client.force_login(reporter)
    client.post(reverse("notifications:preferences"), {"language": "en"})
    preference = Preference.objects.get(user=reporter)
    assert preference.language == "en" and preference.unsubscribed_at
    client.post(
        reverse("notifications:preferences"), {"language": "vi", "emails": "on"}
    )
    preference.refresh_from_db()
    assert preference.language == "vi" and preference.unsubscribed_at is None


def test_a_persons_notifications_are_in_their_data_download(
    reported, reporter, organiser
):
    from accounts.privacy import account_data

    hotspot_services.hotspot_verify(hotspot=reported, actor=organiser)
    preference_set(user=reporter, language="en", emails=True)
    data = account_data(reporter)
    (line,) = data["notifications"]
    assert line["kind"] == kinds.REPORT_VERIFIED and line["email"] == REPORTER_EMAIL
    assert data["notification_preference"]["language"] == "en"


def test_no_address_means_in_app_only_and_a_bad_one_never_blocks(
    demo_areas, organiser, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    no_email = builders.user(username="khongemail")
    bad = builders.user(username="saiemail")
    get_user_model().objects.filter(pk=bad.pk).update(email="không phải email")
    bad.refresh_from_db()
    first = builders.hotspot(location=builders.at(11), reporter=no_email)
    second = builders.hotspot(location=builders.at(12), reporter=bad)
    with django_capture_on_commit_callbacks(execute=True):
        for hotspot in (first, second):
            hotspot_services.hotspot_verify(hotspot=hotspot, actor=organiser)
    assert mail.outbox == []
    states = set(Notification.objects.values_list("user__username", "email_state"))
    assert states == {("khongemail", "none"), ("saiemail", "none")}
