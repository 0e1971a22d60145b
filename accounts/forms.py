from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .phones import normalize_phone


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Email, số điện thoại hoặc tên đăng nhập"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class SignUpForm(forms.Form):
    identifier = forms.CharField(
        label=_("Email hoặc số điện thoại"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    # Explicit consent: an unticked box the person must tick themselves.
    accept_terms = forms.BooleanField(
        label=_(
            "Tôi đã đọc và đồng ý với điều khoản sử dụng và thông báo xử lý "
            "dữ liệu cá nhân."
        ),
        required=True,
        initial=False,
        error_messages={"required": _("Bạn cần đồng ý với điều khoản để đăng ký.")},
    )

    def clean_identifier(self):
        value = self.cleaned_data["identifier"].strip()
        if "@" in value:
            value = forms.EmailField().clean(value).lower()
            if User.objects.filter(email__iexact=value).exists():
                raise forms.ValidationError(_("Email này đã được đăng ký."))
            return value
        phone = normalize_phone(value)
        if not phone:
            raise forms.ValidationError(
                _("Hãy nhập một email hoặc số điện thoại Việt Nam hợp lệ.")
            )
        if User.objects.filter(phone=phone).exists():
            raise forms.ValidationError(_("Số điện thoại này đã được đăng ký."))
        return phone

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
