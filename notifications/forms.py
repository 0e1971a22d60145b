from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    language = forms.ChoiceField(label=_("Ngôn ngữ email"), choices=settings.LANGUAGES)
    emails = forms.BooleanField(
        label=_("Gửi thông báo cho tôi qua email"), required=False
    )
