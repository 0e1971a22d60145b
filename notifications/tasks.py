"""The Celery task that mails one notification (notifications.services), with retries."""

from celery import shared_task
from celery.signals import worker_ready

from . import services

MAX_RETRIES = 3


@shared_task(bind=True, name="notifications.send_email", max_retries=MAX_RETRIES)
def send_email(self, notification_id: int) -> str:
    final = self.request.retries >= self.max_retries
    try:
        return services.notification_send(notification_id, final_attempt=final)
    except Exception as exc:
        # Back off 30 s, 60 s, 120 s: a mail server that refused usually recovers.
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@worker_ready.connect
def _resend_on_start(**kwargs) -> None:
    services.notifications_resend()
