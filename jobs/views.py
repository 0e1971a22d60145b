"""The organisers' list of background jobs."""

from django.shortcuts import render

from accounts.access import ADMIN_ROLES, roles_required

from . import registry, selectors
from .models import JobStatus


@roles_required(*ADMIN_ROLES)
def job_list_page(request):
    status = request.GET.get("status", "")
    if status not in JobStatus.values:
        status = ""
    jobs = list(selectors.job_list(status=status or None))
    for job in jobs:
        job.label = registry.label(job.name)
    return render(
        request,
        "jobs/list.html",
        {"jobs": jobs, "status": status, "statuses": JobStatus.choices},
    )
