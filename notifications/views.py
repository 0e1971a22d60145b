"""Pages: the signed-in user's notifications, and the unsubscribe link (no login)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services, tokens
from .forms import PreferenceForm


@login_required
def notification_list_page(request):
    preference = selectors.preference_of(user=request.user)
    form = PreferenceForm(
        initial={
            "language": preference.language if preference else settings.LANGUAGE_CODE,
            "emails": not (preference and preference.unsubscribed_at),
        }
    )
    return render(
        request,
        "notifications/list.html",
        {
            "notifications": selectors.notification_list(user=request.user),
            "form": form,
        },
    )


@login_required
@require_POST
def mark_all_read(request):
    services.notifications_mark_read(user=request.user)
    return redirect("notifications:list")


@login_required
@require_POST
def preferences(request):
    form = PreferenceForm(request.POST)
    if form.is_valid():
        services.preference_set(
            user=request.user,
            language=form.cleaned_data["language"],
            emails=form.cleaned_data["emails"],
        )
        messages.success(request, _("Đã lưu tuỳ chọn thông báo."))
    return redirect("notifications:list")


# A mail client's one-click unsubscribe (RFC 8058) POSTs without a CSRF token;
# the signed token in the URL is what authorises it.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows a confirmation with a button (link scanners only GET); POST stops
    the emails to the address the token names."""
    email = tokens.read(token)
    if email is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    context = {"token": token, "done": False}
    if request.method == "POST":
        services.email_unsubscribe(email=email)
        context["done"] = True
    response = render(request, "notifications/unsubscribe.html", context)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
