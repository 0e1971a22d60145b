"""The notifications tied to an account, for its download (registered with
accounts.privacy by NotificationsConfig.ready); deleting the account deletes
them (CASCADE)."""

from .models import Notification, Preference


def account_export(user) -> dict:
    preference = Preference.objects.filter(user=user).first()
    return {
        "notifications": [
            {
                "kind": n.kind,
                "subject": n.subject,
                "email": n.email,
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
                "email_state": n.email_state,
            }
            for n in Notification.objects.filter(user=user).order_by("created_at")
        ],
        "notification_preference": {
            "language": preference.language,
            "unsubscribed_at": preference.unsubscribed_at.isoformat()
            if preference.unsubscribed_at
            else None,
        }
        if preference
        else None,
    }
