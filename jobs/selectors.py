"""Read paths of the job list."""

from django.db.models import QuerySet

from .models import Job

LIST_SIZE = 100


def job_list(*, status: str | None = None) -> QuerySet[Job]:
    """Return the latest jobs, newest first (at most LIST_SIZE)."""
    jobs = Job.objects.all()
    if status:
        jobs = jobs.filter(status=status)
    return jobs.order_by("-requested_at", "-id")[:LIST_SIZE]


def job_latest(*, name: str, key: str) -> Job | None:
    """Return the latest job of this name and key (any status)."""
    return (
        Job.objects.filter(name=name, key=key).order_by("-requested_at", "-id").first()
    )
