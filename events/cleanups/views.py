"""Pages for cleanup events: log one (the representative), see one, review all (jury)."""

import uuid

import folium
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import (
    JURY_ROLES,
    login_required_page,
    no_store,
    roles_required,
)
from accounts.roles import Role, has_role
from config.api import page_text
from events.campaigns import selectors
from events.cleanups import selectors as event_selectors
from events.cleanups.flags import flags_for
from events.cleanups.serializers import public_entrant_name
from events.errors import ContestError
from events.judging.forms import STATUS_ALL, ReviewFilterForm
from events.judging.selectors import info_requests, with_info_supplied
from events.judging.services import event_answer_info
from events.models import (
    INFO_MESSAGE_MAX_LENGTH,
    Campaign,
    EntrantStatus,
    EventStatus,
    PhotoKind,
    WeightMethod,
)
from hotspots import photos as photo_pipeline
from maps import basemap
from maps.assets import make_map, render_parts
from maps.layers import point_layer


class AnswerForm(forms.Form):
    """The team's answer to the jury: a note and/or photos (checked by the service)."""

    note = forms.CharField(
        label=gettext_lazy("Ghi chú bổ sung"),
        required=False,
        max_length=INFO_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Ảnh bổ sung là ảnh"),
        choices=PhotoKind.choices,
        required=False,
        initial=PhotoKind.AFTER,
        widget=forms.RadioSelect,
    )


def _event_config(campaign: Campaign) -> dict:
    """What the page's script needs, as JSON (never spliced into JS)."""
    near_m = 3 * float(campaign.plausibility.get("max_hotspot_distance_m", 300))
    return {
        "center": list(settings.MAP_CENTER),
        "zoom": 13,
        **basemap.leaflet_config(),
        "envelope": list(settings.SERVICE_ENVELOPE),
        "apiUrl": reverse("api:events-api:event-list"),
        "nearbyUrl": reverse("api:hotspots-api:nearby"),
        "hotspotRadiusM": min(near_m, settings.HOTSPOT_NEARBY_MAX_RADIUS_M),
        "lang": get_language(),
        "leafletImages": static("vendor/leaflet/images/"),
    }


@login_required
def event_new_page(request):
    """Log a cleanup event; the script posts to the API, which checks every rule."""
    campaign = selectors.current_campaign()
    slug = page_text(request.GET, "campaign")
    if slug:
        campaign = Campaign.objects.filter(slug=slug).first() or campaign
    entrant = selectors.entrant_for_representative(request.user, campaign=campaign)
    context = {"campaign": campaign, "entrant": entrant}
    if entrant is None or entrant.status != EntrantStatus.APPROVED:
        return render(
            request, "events/event_form_unavailable.html", context, status=403
        )
    now = timezone.localtime()
    context.update(
        {
            "members": entrant.members.order_by("id"),
            "methods": WeightMethod.choices,
            "client_uuid": uuid.uuid4(),
            "config": _event_config(campaign),
            "max_local": now.strftime("%Y-%m-%dT%H:%M"),
            "min_local": max(entrant.registered_on, campaign.activity_start).isoformat()
            + "T00:00",
        }
    )
    return render(request, "events/event_form.html", context)


def event_page(request, pk: int):
    """One event: public figures for everyone; names, notes and flags for those allowed."""
    event = event_selectors.event_get(pk)
    if event is None:
        raise Http404
    return _render_event(request, event, AnswerForm())


def _render_event(request, event, answer_form, status: int = 200):
    private = event_selectors.can_see_event_private(request.user, event)
    fmap = make_map(location=[event.location.y, event.location.x], zoom_start=15)
    # The outline/route can be a person's GPS track: shown only to those allowed.
    point_layer(event.location, outline=event.outline if private else None).add_to(fmap)
    if private and event.route is not None:
        folium.PolyLine(
            [(y, x) for x, y in event.route.coords], color="#1b7f3b", weight=4
        ).add_to(fmap)
    photos = list(event.photos.all())
    own = (
        request.user.is_authenticated
        and event.entrant.representative_id == request.user.pk
    )
    context = {
        "event": event,
        "private": private,
        "entrant_label": entrant_label(event, private),
        "participants": list(event.participants.all()) if private else [],
        "flags": flags_for([event])[event.pk] if private else [],
        "before": [p for p in photos if p.kind == PhotoKind.BEFORE],
        "after": [p for p in photos if p.kind == PhotoKind.AFTER],
        "areas": sorted(event.areas.all(), key=lambda a: -a.area_km2),
        "hotspots": list(event.hotspots.all()),
        "map": render_parts(fmap),
        # The jury's questions and the team's answers: the team and the jury only.
        "info_requests": info_requests(event) if private else [],
        "can_answer": own and event.status == EventStatus.NEEDS_INFO,
        "answer_form": answer_form,
    }
    return render(request, "events/event_detail.html", context, status=status)


@require_POST
@login_required_page(fallback="events:my-entrant")
def event_answer_page(request, pk: int):
    """The team's representative answers the jury's request (note and/or photos)."""
    event = event_selectors.event_get(pk)
    if event is None or event.entrant.representative_id != request.user.pk:
        raise Http404  # not their event: as if it did not exist here
    form = AnswerForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            images = _answer_photos(request.FILES.getlist("photos"))
            event_answer_info(
                event=event,
                user=request.user,
                note=form.cleaned_data["note"],
                images=images,
                kind=form.cleaned_data["kind"] or PhotoKind.AFTER,
            )
        except (ContestError, photo_pipeline.PhotoError) as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
            status = error.status
        else:
            messages.success(
                request,
                _("Đã gửi phần bổ sung; sự kiện quay lại danh sách chờ chấm."),
            )
            return redirect("events:event", event.pk)
    event = event_selectors.event_get(pk)
    return no_store(_render_event(request, event, form, status=status))


def _answer_photos(files) -> list:
    """Pass the answer's photos through the one photo pipeline (errors: photos)."""
    try:
        photo_pipeline.check_request(files)
        return [photo_pipeline.sanitize(upload) for upload in files]
    except photo_pipeline.PhotoError as exc:
        exc.field = "photos"
        raise


def entrant_label(event, private: bool) -> str:
    """The entrant's name if it may be shown (consent to publish), else a neutral label."""
    if private:
        return event.entrant.name
    return public_entrant_name(event.entrant, getattr(event, "publish_granted", None))


REVIEW_PAGE_SIZE = 50


@roles_required(*JURY_ROLES)
def event_review_page(request, slug: str):
    """A campaign's events with their plausibility flags (organisers, jury, secretary).

    Filters: status (default: submitted, the judges' queue), entrant, area at the
    campaign's coverage level, and flagged only (flags are computed per page).
    """
    campaign = get_object_or_404(Campaign, slug=slug)
    form = ReviewFilterForm(request.GET or None, campaign=campaign)
    chosen = form.values()
    events = event_selectors.event_list(
        campaign_slug=slug,
        entrant_id=chosen["entrant"].pk if chosen["entrant"] else None,
        area_id=chosen["area"].pk if chosen["area"] else None,
    ).select_related("entrant")
    events = with_info_supplied(events)
    if chosen["status"] != STATUS_ALL:
        events = events.filter(status=chosen["status"])
    page = Paginator(events, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    flags = flags_for(page.object_list)
    rows = [(event, flags.get(event.pk, [])) for event in page.object_list]
    if chosen["flagged"]:
        rows = [row for row in rows if row[1]]
    return render(
        request,
        "events/event_review.html",
        {
            "campaign": campaign,
            "form": form,
            "rows": rows,
            "page": page,
            "total": page.paginator.count,
            "is_judge": has_role(request.user, Role.JUDGE),
        },
    )
