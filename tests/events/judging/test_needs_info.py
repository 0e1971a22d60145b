# ruff: noqa: F811  (the contest fixture is imported from test_review)
""" "Needs more information" before a decision: the jury asks (judges, organisers),
the team's representative answers with a note and/or photos, the event comes back
to the queue marked as supplied, and the jury decides as usual.

Services (transitions, refusals naming the field, all or nothing), the pages, who
may do what, and the standings (an event waiting for information scores nothing).
"""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from events.errors import ContestError
from events.judging.services import event_answer_info, event_request_info
from events.models import (
    INFO_MESSAGE_MAX_LENGTH,
    CleanupEvent,
    EventInfoRequest,
    EventPhoto,
    EventStatus,
)
from events.results.selectors import standing_get
from events.signals import event_info_supplied, event_needs_info
from hotspots import photos as photo_pipeline
from tests import builders
from tests.events.cleanups.test_events_api import upload
from tests.events.judging.test_review import contest, log, person  # noqa: F401

ASK = "Ảnh sau khi dọn chưa thấy bao rác; gửi thêm ảnh cân."


def review_url(event) -> str:
    return reverse("events:event-review-one", args=[event.pk])


def event_url(event) -> str:
    return reverse("events:event", args=[event.pk])


def answer_url(event) -> str:
    return reverse("events:event-answer", args=[event.pk])


def clean(seed: int) -> photo_pipeline.CleanImage:
    return photo_pipeline.sanitize(upload(seed))


def refused(call, **kwargs) -> ContestError:
    with pytest.raises(ContestError) as caught:
        call(**kwargs)
    return caught.value


# --- services -------------------------------------------------------------------


def test_request_then_answer_walks_the_states_and_sends_the_signals(
    contest, django_capture_on_commit_callbacks
):
    event, judge, rep = contest["event"], contest["judge"], contest["rep"]
    sent = []

    def record(sender, *, info_request, event, **kwargs):
        sent.append((info_request.pk, event.pk, event.status))

    event_needs_info.connect(record)
    event_info_supplied.connect(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            asked = event_request_info(event=event, user=judge, message=f"  {ASK} ")
        event.refresh_from_db()
        assert event.status == EventStatus.NEEDS_INFO
        assert asked.message == ASK and asked.requested_by == judge and asked.is_open
        assert sent == [(asked.pk, event.pk, EventStatus.NEEDS_INFO)]
        with django_capture_on_commit_callbacks(execute=True):
            answered = event_answer_info(
                event=event, user=rep, note="Đã gửi ảnh cân", images=[clean(7)]
            )
    finally:
        event_needs_info.disconnect(record)
        event_info_supplied.disconnect(record)
    event.refresh_from_db()
    assert event.status == EventStatus.SUBMITTED
    assert answered.pk == asked.pk and not answered.is_open
    assert answered.answered_by == rep and answered.answered_at >= asked.requested_at
    photo = EventPhoto.objects.get(info_request=answered)
    assert photo.event == event and photo.kind == "after"
    assert default_storage.exists(photo.image.name)
    assert sent[-1] == (asked.pk, event.pk, EventStatus.SUBMITTED)


def test_signal_is_not_sent_when_the_request_is_refused(
    contest, django_capture_on_commit_callbacks
):
    sent = []
    event_needs_info.connect(lambda **kw: sent.append(kw), weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(ContestError):
                event_request_info(
                    event=contest["event"], user=contest["judge"], message=""
                )
    finally:
        event_needs_info.receivers.clear()  # the lambda (weak=False)
    assert sent == []


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        ("x" * (INFO_MESSAGE_MAX_LENGTH + 1), "too_long"),
    ],
)
def test_request_needs_a_message_of_at_most_2000_characters(contest, message, code):
    error = refused(
        event_request_info,
        event=contest["event"],
        user=contest["judge"],
        message=message,
    )
    assert (error.status, error.field, error.code) == (400, "message", code)
    assert not EventInfoRequest.objects.exists()
    assert CleanupEvent.objects.get().status == EventStatus.SUBMITTED


def test_request_on_a_decided_event_is_an_invalid_transition(contest):
    event = contest["event"]
    builders.decision(event=event, judge=contest["judge"], verdict="approve")
    error = refused(event_request_info, event=event, user=contest["judge"], message=ASK)
    assert (error.status, error.field, error.code) == (
        400,
        "status",
        "invalid_transition",
    )
    assert not EventInfoRequest.objects.exists()


def test_a_second_request_waits_for_the_first_answer(contest):
    event = contest["event"]
    event_request_info(event=event, user=contest["judge"], message=ASK)
    error = refused(
        event_request_info, event=event, user=contest["organiser"], message=ASK
    )
    assert (error.status, error.field) == (400, "status")
    assert EventInfoRequest.objects.count() == 1


def test_organiser_may_ask_others_may_not(contest):
    event = contest["event"]
    for role in ("secretary", "resident"):
        error = refused(
            event_request_info, event=event, user=person(f"x-{role}", role), message=ASK
        )
        assert error.status == 403
    assert not EventInfoRequest.objects.exists()
    event_request_info(event=event, user=contest["organiser"], message=ASK)
    assert CleanupEvent.objects.get().status == EventStatus.NEEDS_INFO


def test_judge_with_a_conflict_may_not_ask(contest):
    from events.models import ConflictDeclaration

    ConflictDeclaration.objects.create(
        judge=contest["judge"], entrant=contest["entrant"]
    )
    error = refused(
        event_request_info, event=contest["event"], user=contest["judge"], message=ASK
    )
    assert (error.status, error.code) == (403, "conflict_of_interest")


def test_answer_refusals_name_the_field_and_change_nothing(contest):
    event, rep = contest["event"], contest["rep"]
    # Nothing asked yet.
    error = refused(event_answer_info, event=event, user=rep, note="x")
    assert (error.status, error.field, error.code) == (
        400,
        "status",
        "invalid_transition",
    )
    event_request_info(event=event, user=contest["judge"], message=ASK)
    for kwargs, field in (
        ({"note": "  "}, "note"),
        ({"note": "x" * (INFO_MESSAGE_MAX_LENGTH + 1)}, "note"),
        ({"images": [clean(i) for i in range(6)]}, "photos"),
        ({"note": "x", "kind": "sideways"}, "kind"),
    ):
        error = refused(event_answer_info, event=event, user=rep, **kwargs)
        assert (error.status, error.field) == (400, field)
    # Someone else than the team's representative.
    for user in (contest["judge"], contest["organiser"], person("hang", "resident")):
        assert (
            refused(event_answer_info, event=event, user=user, note="x").status == 403
        )
    assert EventInfoRequest.objects.get().is_open
    assert CleanupEvent.objects.get().status == EventStatus.NEEDS_INFO
    assert not EventPhoto.objects.exists()


def test_answer_is_all_or_nothing_when_storing_a_photo_fails(contest, monkeypatch):
    event, rep = contest["event"], contest["rep"]
    event_request_info(event=event, user=contest["judge"], message=ASK)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(default_storage, "save", broken)
    with pytest.raises(OSError):
        event_answer_info(event=event, user=rep, note="Ảnh cân", images=[clean(3)])
    asked = EventInfoRequest.objects.get()
    assert asked.is_open and asked.answer_note == "" and asked.answered_by is None
    assert CleanupEvent.objects.get().status == EventStatus.NEEDS_INFO
    assert not EventPhoto.objects.exists()


def test_an_event_waiting_for_information_scores_nothing(contest):
    """Like a submitted event: no verified figure, no points, until decided."""
    campaign, entrant, rep = contest["campaign"], contest["entrant"], contest["rep"]
    first = contest["event"]
    builders.decision(event=first, judge=contest["judge"], verdict="approve")
    alone = standing_get(campaign, entrant.pk)
    second = log(entrant, rep, kg="80", hours_ago=10)
    event_request_info(event=second, user=contest["judge"], message=ASK)
    # Any refresh of the entrant (a decision on another event) recomputes it.
    builders.decision(event=first, judge=contest["judge"], verdict="approve")
    waiting = standing_get(campaign, entrant.pk)
    assert waiting.points == alone.points > 0
    assert waiting.priority_weighted_kg == alone.priority_weighted_kg
    event_answer_info(event=second, user=rep, note="Cân lại: đúng 80 kg")
    builders.decision(event=second, judge=contest["judge"], verdict="approve")
    assert standing_get(campaign, entrant.pk).points > alone.points


# --- pages ----------------------------------------------------------------------


def test_jury_asks_team_answers_with_a_photo_jury_approves(contest, client):
    event, judge, rep = contest["event"], contest["judge"], contest["rep"]
    client.force_login(judge)
    page = client.get(review_url(event)).content.decode()
    assert 'data-testid="needs-info-form"' in page
    response = client.post(
        review_url(event), {"verdict": "needs_info", "needs_info-message": ASK}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.NEEDS_INFO
    page = client.get(review_url(event)).content.decode()
    assert ASK in page and 'data-testid="info-open"' in page
    assert 'data-testid="needs-info-form"' not in page  # one open request at a time
    queue = reverse("events:event-review", args=[contest["campaign"].slug])
    waiting = client.get(queue, {"status": "needs_info"}).content.decode()
    assert f'data-event="{event.pk}"' in waiting
    assert f'data-event="{event.pk}"' not in client.get(queue).content.decode()

    client.force_login(rep)
    mine = client.get(reverse("events:my-entrant")).content.decode()
    assert 'data-testid="needs-info-link"' in mine
    own = client.get(event_url(event)).content.decode()
    assert ASK in own and 'data-testid="answer-form"' in own
    response = client.post(
        answer_url(event),
        {"note": "Ảnh cân ở bến", "kind": "after", "photos": [upload(11)]},
    )
    assert response.status_code == 302 and response["Location"] == event_url(event)
    answered = EventInfoRequest.objects.get()
    assert answered.answered_by == rep and answered.answer_note == "Ảnh cân ở bến"
    assert answered.photos.count() == 1
    event.refresh_from_db()
    assert event.status == EventStatus.SUBMITTED
    own = client.get(event_url(event)).content.decode()
    assert 'data-testid="answer-form"' not in own and 'data-testid="info-answer"' in own

    client.force_login(judge)
    listed = client.get(queue).content.decode()
    row = listed.split(f'data-event="{event.pk}"')[1].split("</li>")[0]
    assert 'data-testid="info-supplied"' in row and "Đã bổ sung" in row
    page = client.get(review_url(event)).content.decode()
    assert "Ảnh cân ở bến" in page and 'data-testid="info-answer"' in page
    # The answer's photo joins the comparison (one more "after" photo).
    assert page.count('data-testid="compare-pair"') == 1
    response = client.post(review_url(event), {"verdict": "approve"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.APPROVED


def test_page_refusals(contest, client):
    event = contest["event"]
    client.force_login(contest["judge"])
    empty = client.post(review_url(event), {"verdict": "needs_info"})
    assert empty.status_code == 400
    assert 'data-testid="needs-info-error"' in empty.content.decode()
    client.force_login(person("tk", "secretary"))
    assert (
        client.post(
            review_url(event), {"verdict": "needs_info", "needs_info-message": ASK}
        ).status_code
        == 403
    )
    client.force_login(contest["organiser"])
    assert (
        client.post(
            review_url(event), {"verdict": "needs_info", "needs_info-message": ASK}
        ).status_code
        == 302
    )
    # Only the event's own representative answers; others: as if there were none.
    client.force_login(person("hang", "resident"))
    assert client.post(answer_url(event), {"note": "x"}).status_code == 404
    client.force_login(contest["judge"])
    assert client.post(answer_url(event), {"note": "x"}).status_code == 404
    client.logout()
    anonymous = client.post(answer_url(event), {"note": "x"})
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert client.get(answer_url(event)).status_code == 405
    client.force_login(contest["rep"])
    blank = client.post(answer_url(event), {"note": ""})
    assert blank.status_code == 400
    assert 'data-testid="answer-note-error"' in blank.content.decode()
    bad_photo = client.post(answer_url(event), {"note": "x", "photos": [upload_svg()]})
    assert bad_photo.status_code == 400
    assert 'data-testid="answer-error"' in bad_photo.content.decode()
    assert EventInfoRequest.objects.get().is_open
    # The public (anonymous) event page never shows the jury's message.
    client.logout()
    assert ASK not in client.get(event_url(event)).content.decode()


def upload_svg():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "a.svg",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        content_type="image/svg+xml",
    )


# --- the comparison and the figures table ---------------------------------------


def test_comparison_pairs_full_size_photos_with_alt_text(contest, client):
    entrant, rep = contest["entrant"], contest["rep"]
    event = log(
        entrant,
        rep,
        hours_ago=12,
        title="Vớt bèo cầu Kim Long",
        before_images=[clean(1), clean(2)],
        after_images=[clean(3)],
    )
    client.force_login(contest["judge"])
    page = client.get(review_url(event)).content.decode()
    assert page.count('data-testid="compare-pair"') == 2
    assert 'id="compare-config"' in page and "js/compare.js" in page
    assert 'data-testid="compare-view"' not in page
    before, after = (
        list(event.photos.filter(kind=k).order_by("id")) for k in ("before", "after")
    )
    # Without the script: ?compare=<n> shows the pair at full size on the page.
    one = client.get(review_url(event), {"compare": "0"}).content.decode()
    view = one.split('data-testid="compare-view"')[1].split("</section>")[0]
    assert (
        f'src="{before[0].image.url}"' in view and f'src="{after[0].image.url}"' in view
    )
    assert 'alt="Ảnh trước: Vớt bèo cầu Kim Long"' in view
    assert 'alt="Ảnh sau: Vớt bèo cầu Kim Long"' in view
    two = client.get(review_url(event), {"compare": "1"}).content.decode()
    view = two.split('data-testid="compare-view"')[1].split("</section>")[0]
    assert f'src="{before[1].image.url}"' in view and "Không có ảnh." in view
    for bad in ("2", "-1", "x"):
        page = client.get(review_url(event), {"compare": bad})
        assert page.status_code == 200
        assert 'data-testid="compare-view"' not in page.content.decode()


def test_figures_table_has_a_caption_row_headers_and_two_decimals(contest, client):
    client.force_login(contest["judge"])
    page = client.get(review_url(contest["event"])).content.decode()
    table = page.split('data-testid="figures"')[1].split("</table>")[0]
    assert "<caption" in table
    assert table.count('scope="row"') == 5 and table.count('scope="col"') == 3
    assert '<td class="num">50,00</td>' in table
    assert '<td class="num">0,00</td>' in table


# --- the API --------------------------------------------------------------------


def test_api_asks_for_information_and_lists_requests(contest, api_client):
    event = contest["event"]
    url = reverse("api:events-api:event-info-requests", args=[event.pk])
    api_client.force_authenticate(contest["judge"])
    blank = api_client.post(url, {"message": " "}, format="json")
    assert blank.status_code == 400
    assert blank.json()["error"]["field"] == "message"
    created = api_client.post(url, {"message": ASK}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["message"] == ASK and body["requested_by"] == "bgk"
    assert body["answered_at"] is None and body["photos"] == []
    event.refresh_from_db()
    assert event.status == EventStatus.NEEDS_INFO
    again = api_client.post(url, {"message": ASK}, format="json")
    assert again.status_code == 400 and again.json()["error"]["field"] == "status"
    event_answer_info(event=event, user=contest["rep"], images=[clean(5)])
    listed = api_client.get(url).json()
    assert [row["id"] for row in listed] == [body["id"]]
    assert listed[0]["answered_by"] == "lan" and len(listed[0]["photos"]) == 1
    # The secretary sees, may not ask; the team and residents see nothing.
    api_client.force_authenticate(person("tk", "secretary"))
    assert api_client.get(url).status_code == 200
    assert api_client.post(url, {"message": ASK}, format="json").status_code == 403
    for user in (contest["rep"], person("hang", "resident")):
        api_client.force_authenticate(user)
        assert api_client.get(url).status_code == 403
        assert api_client.post(url, {"message": ASK}, format="json").status_code == 403
    assert EventInfoRequest.objects.count() == 1


def test_jury_may_still_reject_while_waiting_and_the_team_can_no_longer_answer(
    contest, client
):
    event, rep = contest["event"], contest["rep"]
    event_request_info(event=event, user=contest["judge"], message=ASK)
    builders.decision(event=event, judge=contest["judge"], verdict="reject")
    event.refresh_from_db()
    assert event.status == EventStatus.REJECTED
    error = refused(event_answer_info, event=event, user=rep, note="Muộn")
    assert (error.status, error.field) == (400, "status")
    client.force_login(rep)
    page = client.get(event_url(event)).content.decode()
    assert 'data-testid="answer-form"' not in page
    assert "đã quyết định trước khi đội trả lời" in page


# --- personal data ----------------------------------------------------------------


def test_answers_are_in_the_data_export_cleared_on_anonymising_kept_on_erasure(
    contest,
):
    from accounts.privacy import account_delete
    from events.privacy import entrant_anonymise, subject_data

    event, rep = contest["event"], contest["rep"]
    event_request_info(event=event, user=contest["judge"], message=ASK)
    event_answer_info(event=event, user=rep, note="Gọi số 0905123456 nếu cần")
    exported = subject_data(rep)["entrants"][0]["events"][0]["info_requests"]
    assert [(r["message"], r["answer_note"]) for r in exported] == [
        (ASK, "Gọi số 0905123456 nếu cần")
    ]
    entrant_anonymise(entrant=contest["entrant"], actor=contest["organiser"])
    answered = EventInfoRequest.objects.get()
    assert answered.answer_note == "" and answered.answered_at is not None
    # The representative may still delete their account; the answer stays, unsigned.
    account_delete(user=rep)
    answered.refresh_from_db()
    assert answered.answered_by is None and answered.answered_at is not None


def test_the_team_representative_is_told_what_the_jury_needs(
    contest, django_capture_on_commit_callbacks
):
    from django.core import mail

    from notifications.models import Notification

    event, judge, rep = contest["event"], contest["judge"], contest["rep"]
    with django_capture_on_commit_callbacks(execute=True):
        event_request_info(event=event, user=judge, message=ASK)
    (told,) = Notification.objects.filter(kind="event_needs_info")
    assert told.user == rep and told.params["message"] == ASK
    assert told.link == event.get_absolute_url()
    contact = getattr(event.entrant, "contact", None)
    if contact is not None and contact.email:
        (message,) = [m for m in mail.outbox if contact.email in m.to]
        assert ASK in message.body
