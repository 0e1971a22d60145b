"""API authentication: the token first, so a missing or wrong credential is a 401.

DRF answers 401 (with WWW-Authenticate) only when the first authentication class
names a challenge; SessionAuthentication names none, so with it first every
missing or invalid credential was a 403. With the token first, `Authorization:
Token <key>` is checked, then the session (whose writes still need the CSRF
token: SessionAuthentication enforces it, whatever its place in the list).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token (`Authorization: Token <key>`), refused in Vietnamese."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            raise exceptions.AuthenticationFailed(
                _("Mã truy cập không hợp lệ."), code="authentication_failed"
            ) from exc


NOT_AUTHENTICATED = _("Cần đăng nhập hoặc gửi mã truy cập (Authorization: Token <mã>).")
