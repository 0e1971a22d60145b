"""The unsubscribe link's token: the address, signed (django.core.signing).

No expiry: an old email's link must still work. Whoever holds the token may
stop the mails to that one address, nothing more.
"""

from django.core import signing

SALT = "notifications.unsubscribe"


def make(email: str) -> str:
    return signing.dumps({"e": email.strip().lower()}, salt=SALT, compress=True)


def read(token: str) -> str | None:
    """Return the address the token names, or None when it was tampered with."""
    try:
        value = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError):
        return None
    email = value.get("e") if isinstance(value, dict) else None
    return email if isinstance(email, str) and email else None
