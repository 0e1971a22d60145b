from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from . import kinds


class EmailState(models.TextChoices):
    NONE = "none", _("không gửi email")
    PENDING = "pending", _("đang chờ gửi")
    SENT = "sent", _("đã gửi")
    SKIPPED = "skipped", _("bỏ qua (đã huỷ đăng ký)")
    FAILED = "failed", _("gửi lỗi")


class Notification(models.Model):
    """One message to one person about one object: shown in the app, and emailed.

    `user` sees it in their list; `email` is where it is mailed (the user's own
    address, a representative's contact address, or an anonymous reporter's
    address given with consent). The row is also the email's outbox: the
    background task sends it after the writing transaction commits.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Personal data: never shown to anyone but its owner (and admins).
    email = models.EmailField(_("email"), blank=True)
    kind = models.CharField(_("loại"), max_length=40, choices=kinds.CHOICES)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    about_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    # Where the reader goes: a path on this site (follow page, event page).
    link = models.CharField(_("liên kết"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    email_state = models.CharField(
        _("email"), max_length=10, choices=EmailState.choices, default=EmailState.NONE
    )
    email_sent_at = models.DateTimeField(_("gửi email lúc"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    email_error = models.CharField(_("lỗi gửi"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["user", "-created_at"], name="notifications_user_recent"
            ),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notifications_user_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def subject(self) -> str:
        return kinds.subject(self.kind, self.params)

    @property
    def text(self) -> str:
        return kinds.text(self.kind, self.params)


class Preference(models.Model):
    """A person's choices for notification emails: per account or per address.

    Exactly one of `user` and `email` is set. `unsubscribed_at` stops every
    email to that account or address; `language` is the email's language.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(
        _("ngôn ngữ email"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    unsubscribed_at = models.DateTimeField(
        _("huỷ nhận email lúc"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tuỳ chọn thông báo")
        verbose_name_plural = _("tuỳ chọn thông báo")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False) & models.Q(email=""))
                | (models.Q(user__isnull=True) & ~models.Q(email="")),
                name="notifications_preference_user_xor_email",
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="notifications_preference_email_unique_ci",
            ),
        ]

    def __str__(self) -> str:
        return f"user={self.user_id}" if self.user_id else "email"
