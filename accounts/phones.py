"""Vietnamese phone numbers, parsed and normalised with the phonenumbers library."""

import phonenumbers


def normalize_phone(value: str) -> str | None:
    """Return the number in E.164 (+84...) or None when it is not a valid phone number.

    National formats (0905 123 456, 0234.3822.xxx) and international ones
    (+84 905 123 456, 0084...) are accepted; the default region is Viet Nam.
    """
    text = (value or "").strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(value: str) -> bool:
    stripped = (value or "").replace(" ", "").replace(".", "").replace("-", "")
    return stripped.lstrip("+").isdigit() and len(stripped) >= 8
