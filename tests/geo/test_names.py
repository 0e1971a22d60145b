"""Area names: NFC, confusable letters, and the signs of a wrong encoding (pure)."""

import unicodedata

import pytest

from geo.names import clean, mojibake

# Real names, several with every tone and vowel mark; none may look mis-decoded.
VIETNAMESE = [
    "Thành phố Huế",
    "Thừa Thiên Huế",
    "Huyện Phú Lộc",
    "Thị xã Hương Thủy",
    "Huyện Quảng Điền",
    "Huyện A Lưới",
    "Phường Thuận Hòa",
    "Phường Vỹ Dạ",
    "Xã Quảng Ngạn",
    "Bà Rịa – Vũng Tàu",
    "Đắk Lắk",
    "Kiên Giang",
    "Quỳnh Lưu",
    "Nghĩa Đàn",
    "Yên Bái",
    "Ô Môn",
    "Ứng Hòa",
    "Ngọc Hồi",
    "Xã Ea H'leo",
]


@pytest.mark.parametrize("name", VIETNAMESE)
def test_real_names_are_not_flagged_nor_changed(name):
    assert mojibake(name) is None
    assert clean(name) == (name, [])


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
@pytest.mark.parametrize("name", VIETNAMESE)
def test_utf8_read_as_cp1252_or_latin1_is_flagged(name, codec):
    garbled = name.encode("utf-8").decode(codec, errors="replace")
    if garbled != name:
        assert mojibake(garbled)


def test_cp1258_read_as_latin1_is_flagged():
    assert "cp1258" in mojibake("PhýõÌng Phú Hôòi")  # "Phường Phú Hội"
    assert "cp1258" in mojibake("Huyêòn Phuì Lôòc")


def test_replacement_characters_are_flagged():
    assert "U+FFFD" in mojibake("Ph\ufffd\ufffdng")


@pytest.mark.parametrize(
    ("raw", "fixed", "change"),
    [
        ("\u00d0ông Hà", "Đông Hà", "U+00D0 Ð → U+0110 Đ"),
        ("Qu\u00f0ng", "Quđng", "U+00F0 ð → U+0111 đ"),
        ("\u0189iện Bàn", "Điện Bàn", "U+0189 Ɖ → U+0110 Đ"),
        ("Phú L\u043eộc", "Phú Loộc", "U+043E о → U+006F o"),
        ("Phú\u00a0Lộc", "Phú Lộc", "U+00A0 \u00a0 → space"),
        ("Phú\u200bLộc", "PhúLộc", "U+200B \u200b → removed"),
        ("Phú   Lộc", "Phú Lộc", "spaces"),
        (unicodedata.normalize("NFD", "Hương Trà"), "Hương Trà", "NFC"),
    ],
)
def test_clean_fixes_and_reports_each_change(raw, fixed, change):
    name, changes = clean(raw)
    assert name == unicodedata.normalize("NFC", fixed)
    assert change in changes
    assert unicodedata.is_normalized("NFC", name)
