"""Write paths for notifications: create one (the API other apps call), send its
email after commit, mark read, set preferences, unsubscribe.

Other apps call notify() inside their own transaction: the row is part of it
(no row, no mail, on a rollback) and the email is queued when it commits.
"""

import datetime as dt
import functools
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import kinds, tokens
from .models import EmailState, Notification, Preference

logger = logging.getLogger(__name__)

ERROR_MAX_CHARS = 300


def _address(email: str) -> str:
    """The address, or "" when it is not one (a bad address must never block the
    decision that notifies)."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def notify(
    *,
    kind: str,
    about: models.Model | None = None,
    link: str = "",
    params: dict | None = None,
    user=None,
    email: str = "",
) -> Notification | None:
    """Record a notification for a user and/or an address; email it after commit.

    `user` (an account, or None) sees it in the app; `email` is where it is
    mailed — the user's own address when not given. Returns None when there is
    no one to tell. The caller decides who may be told (consent is theirs).
    """
    if kind not in kinds.KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if user is not None and not user.is_authenticated:
        user = None
    address = _address(email) or (_address(user.email) if user is not None else "")
    if user is None and not address:
        return None
    notification = Notification(
        user=user,
        email=address,
        kind=kind,
        params=params or {},
        link=link,
        email_state=EmailState.PENDING if address else EmailState.NONE,
    )
    if about is not None:
        notification.about_type = ContentType.objects.get_for_model(about)
        notification.about_id = about.pk
    notification.save()
    if address:
        transaction.on_commit(functools.partial(_send, notification.pk), robust=True)
    return notification


def _send(notification_id: int) -> None:
    from .tasks import send_email

    send_email.apply_async((notification_id,))


def is_unsubscribed(*, email: str, user=None) -> bool:
    """Whether mails to this address (or this account) were stopped."""
    stopped = Preference.objects.filter(unsubscribed_at__isnull=False)
    match = models.Q(email__iexact=email) if email else models.Q(pk__in=[])
    if user is not None:
        match |= models.Q(user=user)
    return stopped.filter(match).exists()


def language_for(*, email: str, user=None) -> str:
    """The email's language: the account's choice, else the address's, else vi."""
    choices = Preference.objects.filter(
        models.Q(user=user) if user is not None else models.Q(email__iexact=email)
    )
    language = choices.values_list("language", flat=True).first()
    return language or settings.LANGUAGE_CODE


def site_url(path: str) -> str:
    # SITE_URL (e.g. https://chunhatxanh.hue.gov.vn) when the settings name one.
    base = getattr(settings, "SITE_URL", "") or f"http://{settings.ALLOWED_HOSTS[0]}"
    return base.rstrip("/") + path


def message(notification: Notification) -> EmailMultiAlternatives:
    """Build the email: plain text and HTML, in the recipient's language, with an
    unsubscribe link (one click through List-Unsubscribe-Post, RFC 8058)."""
    language = language_for(email=notification.email, user=notification.user)
    unsubscribe = site_url(
        reverse("notifications:unsubscribe", args=[tokens.make(notification.email)])
    )
    with translation.override(language):
        context = {
            "subject": notification.subject,
            "text": notification.text,
            "link": site_url(notification.link) if notification.link else "",
            "unsubscribe_url": unsubscribe,
            "LANGUAGE_CODE": language,
        }
        subject = context["subject"]
        body = render_to_string("notifications/email/message.txt", context)
        html = render_to_string("notifications/email/message.html", context)
    mail = EmailMultiAlternatives(
        f"[Chủ nhật xanh] {subject}",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": language,
        },
    )
    mail.attach_alternative(html, "text/html")
    return mail


def notification_send(notification_id: int, *, final_attempt: bool = True) -> str:
    """Send one notification's email once; return what happened.

    A sent or skipped one is not sent again (a task delivered twice does
    nothing). On an error the attempt is recorded and the error raised for the
    task to retry — unless this is the final attempt, when it is marked failed.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=notification_id, email_state=EmailState.PENDING)
            .first()
        )
        if notification is None:
            return "nothing"
        if is_unsubscribed(email=notification.email, user=notification.user):
            notification.email_state = EmailState.SKIPPED
            notification.save(update_fields=["email_state"])
            return EmailState.SKIPPED
        notification.email_attempts += 1
        error = None
        try:
            message(notification).send()
        except Exception as exc:
            logger.exception("notification %s: email failed", notification.pk)
            error = exc
            notification.email_error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_CHARS]
            if final_attempt:
                notification.email_state = EmailState.FAILED
        else:
            notification.email_state = EmailState.SENT
            notification.email_sent_at = timezone.now()
            notification.email_error = ""
        notification.save(
            update_fields=[
                "email_state",
                "email_sent_at",
                "email_attempts",
                "email_error",
            ]
        )
    if error is not None and not final_attempt:
        raise error
    return notification.email_state


def notifications_resend(*, older_than_s: float = 60.0) -> int:
    """Queue again the emails still waiting (a lost message, a broker outage)."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_s)
    waiting = Notification.objects.filter(
        email_state=EmailState.PENDING, created_at__lt=cutoff
    ).values_list("pk", flat=True)
    sent = 0
    for pk in waiting:
        _send(pk)
        sent += 1
    return sent


def notifications_mark_read(*, user) -> int:
    """Mark all the user's unread notifications read; return how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preference_set(*, user, language: str, emails: bool) -> Preference:
    """Set the account's email language and whether it gets emails at all."""
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    preference, _created = Preference.objects.get_or_create(user=user)
    preference.language = language
    if emails:
        preference.unsubscribed_at = None
    elif preference.unsubscribed_at is None:
        preference.unsubscribed_at = timezone.now()
    preference.full_clean()
    preference.save()
    return preference


@transaction.atomic
def email_unsubscribe(*, email: str) -> Preference | None:
    """Stop every notification email to this address (idempotent); None when it
    is no address."""
    email = _address(email).lower()
    if not email:
        return None
    preference = (
        Preference.objects.select_for_update().filter(email__iexact=email).first()
    )
    if preference is None:
        preference = Preference(email=email)
    if preference.unsubscribed_at is None:
        preference.unsubscribed_at = timezone.now()
        preference.full_clean(validate_constraints=False)
        preference.save()
    return preference


def email_forget(*, email: str) -> int:
    """Forget an address copied onto notifications: the person withdrew the
    contact they left (or it was deleted). Rows of an account keep their in-app
    text; rows for the address alone lose it, and a waiting email is not sent.
    Return how many rows changed. The unsubscribe record (Preference) stays:
    it is what keeps the address from being mailed again."""
    email = _address(email)
    if not email:
        return 0
    rows = Notification.objects.filter(email__iexact=email)
    rows.filter(email_state=EmailState.PENDING).update(email_state=EmailState.SKIPPED)
    return rows.update(email="")
