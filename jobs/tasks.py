"""The one Celery task: run a recorded job (jobs.services.job_run), with retries."""

from celery import shared_task
from celery.signals import worker_ready

from . import services

MAX_RETRIES = 3


@shared_task(bind=True, name="jobs.run", max_retries=MAX_RETRIES)
def run_job(self, job_id: int) -> None:
    final = self.request.retries >= self.max_retries
    try:
        services.job_run(job_id, final_attempt=final)
    except Exception as exc:
        # Back off 5 s, 10 s, 20 s: a database restart or a lock usually passes.
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc


@worker_ready.connect
def _resend_on_start(**kwargs) -> None:
    services.jobs_resend()
