from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with an account: a resident or a member of staff (roles are groups)."""

    email = models.EmailField(_("email"), blank=True)
    # E.164 (+84...), normalised by accounts.phones; empty when not given.
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    terms_version = models.CharField(
        _("phiên bản điều khoản đã đồng ý"), max_length=20, blank=True
    )
    terms_accepted_at = models.DateTimeField(
        _("thời điểm đồng ý điều khoản"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=~models.Q(phone=""),
                name="accounts_user_phone_unique",
            ),
            models.UniqueConstraint(
                models.functions.Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_unique_ci",
            ),
        ]

    def __str__(self) -> str:
        return self.username
