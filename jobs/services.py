"""Queue and run background jobs, recording each run in jobs.Job."""

import functools
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import registry
from .models import FINISHED_STATUSES, Job, JobStatus

logger = logging.getLogger(__name__)

ERROR_MAX_CHARS = 500


def job_request(*, name: str, key: str = "") -> Job:
    """Queue a job unless the same one (name and key) is already waiting.

    Returns the waiting job. The message to the worker is sent when the caller's
    transaction commits; if the broker is unreachable then, the job stays queued
    and a worker re-sends it when it starts (jobs_resend).
    """
    job_type = registry.get(name)
    for _ in range(3):
        try:
            with transaction.atomic():
                job = Job.objects.create(name=name, key=key)
        except IntegrityError:
            # One is waiting already (it may start before we read it: try again).
            waiting = Job.objects.filter(
                name=name, key=key, status=JobStatus.QUEUED
            ).first()
            if waiting is not None:
                return waiting
            continue
        transaction.on_commit(
            functools.partial(_send, job.pk, delay_s=job_type.delay_s), robust=True
        )
        return job
    raise RuntimeError(f"could not queue job {name!r} [{key}]")


def _send(job_id: int, *, delay_s: float = 0.0) -> None:
    from .tasks import run_job

    run_job.apply_async((job_id,), countdown=delay_s)


def job_run(job_id: int, *, final_attempt: bool = True) -> Job | None:
    """Run a job once; return it, or None when there is nothing to run.

    A finished job is not run again (a message delivered twice does nothing); a
    job left running by a killed worker is run again. On an error the job stays
    running and the error is raised for the caller to retry — unless this is the
    final attempt, when the job is marked failed.
    """
    with transaction.atomic():
        job = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(pk=job_id)
            .exclude(status__in=FINISHED_STATUSES)
            .first()
        )
        if job is None:
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
    try:
        summary = registry.get(job.name).run(job.key)
    except Exception as exc:
        logger.exception(
            "job %s [%s] failed (attempt %s)", job.name, job.key, job.attempts
        )
        job.error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_CHARS]
        fields = ["error"]
        if final_attempt:
            job.status = JobStatus.FAILED
            job.finished_at = timezone.now()
            fields += ["status", "finished_at"]
        job.save(update_fields=fields)
        if not final_attempt:
            raise
        return job
    job.status = JobStatus.DONE
    job.summary = summary or {}
    job.error = ""
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "summary", "error", "finished_at"])
    return job


def jobs_resend(*, older_than_s: float = 60.0, running_for_s: float = 900.0) -> int:
    """Send again the jobs whose message may have been lost; return how many.

    Queued jobs requested more than `older_than_s` (plus their delay) ago, and jobs
    marked running for more than `running_for_s` (their worker died). Running a job
    twice is harmless: job_run skips finished jobs and jobs are idempotent.
    """
    now = timezone.now()
    sent = 0
    for job in Job.objects.exclude(status__in=FINISHED_STATUSES).only(
        "id", "name", "status", "requested_at", "started_at"
    ):
        try:
            delay = registry.get(job.name).delay_s
        except Exception:
            continue
        if job.status == JobStatus.QUEUED:
            stale = (now - job.requested_at).total_seconds() > older_than_s + delay
        else:
            started = job.started_at or job.requested_at
            stale = (now - started).total_seconds() > running_for_s
        if stale:
            _send(job.pk)
            sent += 1
    return sent
