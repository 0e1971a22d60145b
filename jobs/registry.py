"""The job types: each app registers its background jobs from AppConfig.ready().

jobs knows nothing of what a job does. A job type is a function of the job's key
(a short string naming what it is about) returning a JSON-ready summary; it must
be idempotent — a job may run again after a worker is killed mid-way or a retry.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class JobType:
    name: str
    run: Callable[[str], dict[str, Any]]
    label: Any  # a lazy translation, shown in the organisers' job list
    # Seconds between the request and the run: requests made meanwhile join the
    # waiting job (the debounce after bursts of writes).
    delay_s: float = 0.0


_types: dict[str, JobType] = {}


def register(
    name: str,
    *,
    run: Callable[[str], dict[str, Any]],
    label: Any,
    delay_s: float = 0.0,
) -> JobType:
    """Register a job type; the same one twice is a no-op."""
    job_type = JobType(name=name, run=run, label=label, delay_s=delay_s)
    if _types.setdefault(name, job_type) != job_type:
        raise ImproperlyConfigured(f"Job type {name!r} is registered twice.")
    return job_type


def get(name: str) -> JobType:
    try:
        return _types[name]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown job type {name!r}.") from None


def label(name: str) -> Any:
    job_type = _types.get(name)
    return job_type.label if job_type else name
