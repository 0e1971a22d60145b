"""Area names as they should be stored: NFC, Vietnamese letters, and the signs of
text decoded with the wrong encoding."""

import re
import unicodedata
from dataclasses import dataclass

# Letters that look like Vietnamese ones but are others: Icelandic eth (what a
# cp1258/latin-1 "Đ" often becomes, and what keyboards offer next to it), the
# African D, and Cyrillic letters that share a shape with Latin ones (mixed
# keyboard layouts). Every replacement is reported.
CONFUSABLES = {
    "\u00d0": "\u0110",  # Ð ETH -> Đ D WITH STROKE
    "\u00f0": "\u0111",  # ð eth -> đ d with stroke
    "\u0189": "\u0110",  # Ɖ AFRICAN D -> Đ
    "\u0256": "\u0111",  # ɖ d with tail -> đ
    "\u0430": "a",
    "\u0435": "e",
    "\u043e": "o",
    "\u0440": "p",
    "\u0441": "c",
    "\u0443": "y",
    "\u0445": "x",
    "\u0456": "i",
    "\u0410": "A",
    "\u0412": "B",
    "\u0415": "E",
    "\u041a": "K",
    "\u041c": "M",
    "\u041d": "H",
    "\u041e": "O",
    "\u0420": "P",
    "\u0421": "C",
    "\u0422": "T",
    "\u0425": "X",
    "\u0406": "I",
    "\u00a0": " ",  # no-break space
    "\u200b": "",  # zero-width space
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",  # byte order mark inside a field
}

# UTF-8 read as cp1252/latin-1: "Ã¡" (á), "Æ°" (ư), "á»" / "áº" (ấ, ệ…),
# "Ä‘" (đ), "â€" (punctuation).
_UTF8_MISREAD = re.compile(
    "[\u00c3\u00c4\u00c6\u00e1\u00e2\u00c2][\u0080-\u00bf\u0152-\u0192\u02c6\u02dc"
    "\u2013-\u203a\u20ac\u2122]"
)
# cp1258 read as latin-1: its combining tone marks (bytes CC, EC, D2, F2, DE)
# become Ì ì Ò ò Þ right after a vowel; real Vietnamese never has a second
# marked vowel there (except "quì", "giì" spellings, so not after u/i for ì).
_CP1258_MISREAD = re.compile(
    "[aeiouyâêôăõýAEIOUYÂÊÔĂÕÝ][\u00cc\u00d2\u00f2\u00de\u00fe]"
    "|[aeoyâêôăõýAEOYÂÊÔĂÕÝ]\u00ec"
)
_CONTROL = re.compile("[\u0000-\u001f\u007f-\u009f]")


@dataclass(frozen=True)
class NameFix:
    before: str
    after: str
    changes: tuple[str, ...]  # "U+00D0 Ð → U+0110 Đ", "NFC", ...

    def describe(self) -> str:
        return f"{self.before!r} → {self.after!r} ({', '.join(self.changes)})"


def clean(text: str | None) -> tuple[str, list[str]]:
    """Return the text stripped, confusables replaced, spaces collapsed, in NFC,
    and what changed (leading/trailing spaces are not reported)."""
    raw = (text or "").strip()
    changes: list[str] = []
    out = unicodedata.normalize("NFC", raw)
    if out != raw:
        changes.append("NFC")
    for wrong, right in CONFUSABLES.items():
        if wrong in out:
            to = f"U+{ord(right):04X} {right}" if right.strip() else "space"
            changes.append(f"U+{ord(wrong):04X} {wrong} → {to if right else 'removed'}")
            out = out.replace(wrong, right)
    collapsed = " ".join(out.split())
    if collapsed != out:
        changes.append("spaces")
    return unicodedata.normalize("NFC", collapsed), changes


def mojibake(text: str) -> str | None:
    """Return why the text looks decoded with the wrong encoding, or None."""
    if "\ufffd" in text:
        return "U+FFFD replacement characters"
    if _CONTROL.search(text):
        return "control characters"
    if match := _UTF8_MISREAD.search(text):
        return f"UTF-8 read as cp1252/latin-1 ({match.group()!r})"
    if match := _CP1258_MISREAD.search(text):
        return f"cp1258 read as latin-1 ({match.group()!r})"
    return None
