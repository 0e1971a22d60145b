import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from config.errors import ClientError

from .forms import LoginForm, SignUpForm
from .privacy import account_data, account_delete
from .services import user_sign_up


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def sign_up(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_sign_up(
            identifier=form.cleaned_data["identifier"],
            password=form.cleaned_data["password1"],
        )
        login(request, user, backend="accounts.backends.IdentifierBackend")
        messages.success(request, _("Chào mừng bạn đến với Chủ nhật xanh!"))
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@never_cache
def my_account(request):
    """What the platform holds about me, a download of it, and account deletion."""
    return render(request, "accounts/me.html", {"data": account_data(request.user)})


@login_required
@never_cache
def my_account_data(request):
    body = json.dumps(account_data(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="du-lieu-cua-toi.json"'
    return response


@login_required
@require_POST
def my_account_delete(request):
    """Delete the account after the person types their password again."""
    if not request.user.check_password(request.POST.get("password", "")):
        messages.error(request, _("Mật khẩu không đúng; tài khoản chưa bị xoá."))
        return redirect("accounts:me")
    try:
        account_delete(user=request.user)
    except ClientError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:me")
    logout(request)
    messages.success(request, _("Tài khoản của bạn đã được xoá."))
    return redirect("home")
