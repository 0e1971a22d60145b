from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import LoginForm, SignUpForm
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
