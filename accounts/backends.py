from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .phones import looks_like_phone, normalize_phone


class IdentifierBackend(ModelBackend):
    """Authenticate by username, email or phone number (any common format)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = self._find(username.strip())
        if user is None:
            # Run the hasher anyway so timing does not reveal unknown accounts.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def _find(self, identifier: str):
        users = get_user_model().objects
        user = users.filter(username=identifier).first()
        if user is None and "@" in identifier:
            user = users.filter(email__iexact=identifier).first()
        if user is None and looks_like_phone(identifier):
            phone = normalize_phone(identifier)
            if phone:
                user = users.filter(phone=phone).first()
        return user
