"""Background jobs of maps: compute and store an analysis (registered in apps.py)."""

import time

from django.db import transaction
from django.utils import timezone

from . import analysis, selectors
from .models import AnalysisResult


def analysis_run(key: str) -> dict:
    """Compute the analysis named by the job key and store it; return a summary.

    Idempotent: running it twice stores the same result. The data version is read
    before computing, so a write made during the computation leaves the stored
    result stale and the next request queues another run.
    """
    request = analysis.Request.from_key(key)
    campaign = selectors.campaign_get(request.campaign_pk)
    if campaign is None:
        return {"skipped": "campaign deleted"}
    version = selectors.analysis_version(campaign)
    started = time.perf_counter()
    payload = analysis.compute(request, campaign)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        AnalysisResult.objects.update_or_create(
            **request.lookup(),
            defaults={
                "version": version,
                "computed_at": timezone.now(),
                "seconds": seconds,
                "payload": payload,
            },
        )
    size = len(payload.get("gaps", payload.get("cells", [])))
    return {"rows": size, "seconds": round(seconds, 2)}
