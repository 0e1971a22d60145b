"""The organisers' campaign page: create next year's campaign, edit one.

Thin HTML views: the forms check the shape of input, services.campaign_create /
campaign_update check the rules and write; their errors go back beside the field.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import roles_required
from accounts.roles import Role
from events.campaigns import services
from events.campaigns.forms import (
    PRIZE_PREFIX,
    CampaignForm,
    PrizeFormSet,
    add_service_error,
    prize_initial,
    weights_text,
)
from events.defaults import PRIZES_2024, plausibility_defaults, scoring_defaults
from events.errors import ContestError
from events.models import Campaign


def _render(request, form, formset, *, campaign=None, status=200):
    context = {"form": form, "formset": formset, "campaign": campaign}
    return render(request, "events/campaign_form.html", context, status=status)


def _valid(form: CampaignForm, formset) -> bool:
    """Validate both, so every error on the page shows at once."""
    form_ok = form.is_valid()
    return formset.is_valid() and form_ok


def _create(form: CampaignForm, formset) -> Campaign:
    return services.campaign_create(prizes=formset.lines(), **form.service_arguments())


@require_http_methods(["GET", "HEAD", "POST"])
@roles_required(Role.ORGANISER, fallback="events:campaign-current")
def campaign_new(request):
    """Create a campaign: windows, rules, weights and the prize table."""
    if request.method != "POST":
        form = CampaignForm(
            initial={
                "scoring": weights_text(scoring_defaults()),
                "plausibility": weights_text(plausibility_defaults()),
            }
        )
        formset = PrizeFormSet(prefix=PRIZE_PREFIX, initial=prize_initial(PRIZES_2024))
        return _render(request, form, formset)
    form = CampaignForm(request.POST)
    formset = PrizeFormSet(request.POST, prefix=PRIZE_PREFIX)
    if not _valid(form, formset):
        return _render(request, form, formset, status=400)
    try:
        campaign = _create(form, formset)
    except (ContestError, ValidationError) as exc:
        add_service_error(form, formset, exc)
        return _render(request, form, formset, status=400)
    messages.success(
        request, _("Đã tạo chiến dịch %(name)s.") % {"name": campaign.name}
    )
    return redirect(campaign)


@require_http_methods(["GET", "HEAD", "POST"])
@roles_required(Role.ORGANISER, fallback="events:campaign-current")
def campaign_edit(request, slug: str):
    """Edit a campaign's settings and replace its prize table (the slug stays)."""
    campaign = get_object_or_404(Campaign, slug=slug)
    initial = CampaignForm.initial_for(campaign)
    if request.method != "POST":
        form = CampaignForm(initial=initial, campaign=campaign)
        formset = PrizeFormSet(
            prefix=PRIZE_PREFIX, initial=prize_initial(campaign.prizes.all())
        )
        return _render(request, form, formset, campaign=campaign)
    form = CampaignForm(request.POST, initial=initial, campaign=campaign)
    formset = PrizeFormSet(request.POST, prefix=PRIZE_PREFIX)
    if not _valid(form, formset):
        return _render(request, form, formset, campaign=campaign, status=400)
    try:
        campaign = services.campaign_update(
            campaign=campaign, prizes=formset.lines(), **form.service_arguments()
        )
    except (ContestError, ValidationError) as exc:
        add_service_error(form, formset, exc)
        return _render(request, form, formset, campaign=campaign, status=400)
    messages.success(
        request, _("Đã lưu chiến dịch %(name)s.") % {"name": campaign.name}
    )
    return redirect(campaign)
