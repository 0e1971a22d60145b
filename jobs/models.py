from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("đang chờ")
    RUNNING = "running", _("đang chạy")
    DONE = "done", _("xong")
    FAILED = "failed", _("lỗi")


WAITING_STATUSES = (JobStatus.QUEUED,)
FINISHED_STATUSES = (JobStatus.DONE, JobStatus.FAILED)


class Job(models.Model):
    """One run of a background job: what, about what, and how it went.

    `name` is a registered job (jobs.registry); `key` says what it is about
    (e.g. "campaign=3 resolution=8") and is the job's only input, so a job can be
    re-run from its row. At most one job per (name, key) waits at a time: asking
    again while one waits does nothing (the debounce).
    """

    name = models.CharField(_("tác vụ"), max_length=64)
    key = models.CharField(_("đối tượng"), max_length=200, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=JobStatus.choices,
        default=JobStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    requested_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    # A short message for organisers; the traceback goes to the worker's log.
    error = models.TextField(_("lỗi"), blank=True)
    summary = models.JSONField(_("kết quả"), default=dict, blank=True)

    class Meta:
        verbose_name = _("tác vụ nền")
        verbose_name_plural = _("tác vụ nền")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "key"],
                condition=models.Q(status="queued"),
                name="jobs_one_waiting_per_key",
            ),
        ]
        indexes = [models.Index(fields=["name", "key", "-finished_at"])]

    def __str__(self) -> str:
        return f"{self.name} [{self.key}] {self.status}"

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
