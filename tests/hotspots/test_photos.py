"""The photo pipeline: type sniffing, caps, metadata stripping, names.

Every image is made here with Pillow; no database is needed.
"""

import re
import struct
import time
import zlib
from datetime import UTC, datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image, ImageCms, PngImagePlugin
from PIL.TiffImagePlugin import IFDRational

from hotspots import photos
from hotspots.photos import PhotoError

SERIAL = "SN-SECRET-12345"
RED, BLUE = (255, 0, 0), (0, 0, 255)


def encode(img: Image.Image, fmt: str, **params) -> bytes:
    out = BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def halves(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Return an image whose left half is red and right half blue."""
    img = Image.new(mode, size, BLUE)
    img.paste(RED, (0, 0, size[0] // 2, size[1]))
    return img


def camera_exif() -> Image.Exif:
    """Return EXIF as a phone would write it: GPS fix, camera, serial, rotation."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "EOS R5"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (IFDRational(16), IFDRational(27), IFDRational(4850, 100))  # Huế
    gps[3] = "E"
    gps[4] = (IFDRational(107), IFDRational(35), IFDRational(221, 10))
    gps[27] = b"ASCII\x00\x00\x00GPS"  # GPSProcessingMethod
    exif.get_ifd(0x8769)[0xA431] = SERIAL  # BodySerialNumber
    return exif


def png_bomb(width: int, height: int) -> bytes:
    """Return a real 1-bit all-black PNG of the given size, a few KB per 100 Mpx."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def refused(data, code: str) -> PhotoError:
    with pytest.raises(PhotoError) as caught:
        photos.sanitize(data if hasattr(data, "read") else upload(data))
    assert caught.value.code == code
    return caught.value


# Sniffing and refused types


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "WEBP"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
        (b"GIF89a", None),
        (b"BM6\x00\x00\x00", None),
        (b"II*\x00", None),
        (b"\x00\x00\x00\x18ftypheic", None),
        (b"%PDF-1.7", None),
        (b"<svg xmlns", None),
        (b"", None),
    ],
)
def test_sniff_names_the_format_from_magic_bytes_only(head, expected):
    assert photos.sniff(head) == expected


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.gif", encode(Image.new("RGB", (20, 20), RED), "GIF")),
        ("a.bmp", encode(Image.new("RGB", (20, 20), RED), "BMP")),
        ("a.tif", encode(Image.new("RGB", (20, 20), RED), "TIFF")),
        (
            "a.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ),
        ("a.jpg", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("a.jpg", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"),
        ("a.jpg", b""),
    ],
    ids=["gif", "bmp", "tiff", "svg", "html-as-jpg", "pdf-as-jpg", "empty"],
)
def test_non_photo_types_are_refused_whatever_the_name_says(name, data):
    error = refused(
        upload(data, name=name, content_type="image/jpeg"), "unsupported_type"
    )
    assert str(error.message) == "Ảnh phải là JPEG, PNG hoặc WebP."


def test_photo_error_is_a_value_error_with_a_lazy_vietnamese_message():
    error = refused(b"GIF89a", "unsupported_type")
    assert isinstance(error, ValueError)
    assert not isinstance(error.message, str)  # lazy: translated when rendered
    assert "JPEG" in str(error.message)


# Metadata


def test_jpeg_loses_exif_gps_serial_xmp_icc_and_comment():
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = encode(
        halves((300, 200)),
        "JPEG",
        exif=camera_exif(),
        icc_profile=icc,
        comment=b"secret-comment",
        xmp=b"<x:xmpmeta>secret-xmp</x:xmpmeta>",
    )
    # The source really carries what must go, or this test proves nothing.
    for marker in (b"Exif", b"GPS", SERIAL.encode(), b"secret-xmp", b"secret-comment"):
        assert marker in source
    assert Image.open(BytesIO(source)).getexif().get_ifd(0x8825)[2] == (16, 27, 48.5)

    clean = photos.sanitize(upload(source))

    stored = Image.open(BytesIO(clean.content))
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert not {"exif", "xmp", "icc_profile", "comment"} & stored.info.keys()
    for data in (clean.content, clean.thumbnail):
        for marker in (
            b"Exif",
            b"GPS",
            b"Canon",
            SERIAL.encode(),
            b"secret-xmp",
            b"xmpmeta",
            b"secret-comment",
            b"ICC_PROFILE",
        ):
            assert marker not in data


def test_jpeg_orientation_is_applied_before_the_exif_goes():
    source = encode(halves((300, 200)), "JPEG", exif=camera_exif())

    clean = photos.sanitize(upload(source))

    assert (clean.width, clean.height) == (200, 300)
    stored = Image.open(BytesIO(clean.content)).convert("RGB")
    assert stored.size == (200, 300)
    # Turned clockwise, the red left half is now on top.
    top, bottom = stored.getpixel((100, 40)), stored.getpixel((100, 260))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_png_text_chunks_are_dropped():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home at 16.4637,107.5909")
    info.add_itxt("Description", "chìa khoá dưới chậu hoa", zip=False)
    source = encode(Image.new("RGB", (64, 48), RED), "PNG", pnginfo=info)
    assert b"16.4637" in source and b"tEXt" in source and b"iTXt" in source

    clean = photos.sanitize(upload(source, name="a.png", content_type="image/png"))

    stored = Image.open(BytesIO(clean.content))
    assert stored.format == "PNG"
    assert stored.text == {}
    for marker in (b"tEXt", b"iTXt", b"zTXt", b"16.4637", b"Comment", b"eXIf"):
        assert marker not in clean.content
    assert (clean.format, clean.extension, clean.content_type) == (
        "PNG",
        ".png",
        "image/png",
    )


def test_webp_is_accepted_and_its_exif_dropped():
    source = encode(halves((120, 80)), "WEBP", exif=camera_exif())
    assert SERIAL.encode() in source

    clean = photos.sanitize(upload(source, name="a.webp", content_type="image/webp"))

    assert (clean.format, clean.extension, clean.content_type) == (
        "WEBP",
        ".webp",
        "image/webp",
    )
    stored = Image.open(BytesIO(clean.content))
    assert stored.format == "WEBP"
    assert not stored.getexif()
    assert SERIAL.encode() not in clean.content
    assert b"EXIF" not in clean.content
    assert (clean.width, clean.height) == (80, 120)  # orientation 6 applied


def test_animated_webp_keeps_only_the_first_frame():
    frames = [Image.new("RGB", (40, 40), RED), Image.new("RGB", (40, 40), BLUE)]
    out = BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    assert Image.open(BytesIO(out.getvalue())).n_frames == 2

    clean = photos.sanitize(upload(out.getvalue(), name="a.webp"))

    stored = Image.open(BytesIO(clean.content))
    assert getattr(stored, "n_frames", 1) == 1
    pixel = stored.convert("RGB").getpixel((20, 20))
    assert pixel[0] > 200 and pixel[2] < 60  # red, the first frame


def test_transparent_png_keeps_alpha_and_gets_a_white_thumbnail():
    img = Image.new("RGBA", (60, 60), (0, 0, 0, 0))
    img.paste((255, 0, 0, 255), (0, 0, 30, 60))

    clean = photos.sanitize(upload(encode(img, "PNG"), name="a.png"))

    stored = Image.open(BytesIO(clean.content))
    assert stored.mode == "RGBA"
    assert stored.getpixel((50, 30))[3] == 0
    thumb = Image.open(BytesIO(clean.thumbnail))
    assert thumb.format == "JPEG" and thumb.mode == "RGB"
    assert min(thumb.getpixel((50, 30))) > 240  # was transparent: now white


def test_palette_png_with_transparency_becomes_rgba():
    img = Image.new("P", (30, 30), 0)
    img.putpalette([255, 255, 255, 255, 0, 0] + [0] * 762)
    img.paste(1, (0, 0, 15, 30))
    source = encode(img, "PNG", transparency=0)

    stored = Image.open(BytesIO(photos.sanitize(upload(source)).content))

    assert stored.mode == "RGBA"
    assert stored.getpixel((5, 5)) == (255, 0, 0, 255)
    assert stored.getpixel((25, 5))[3] == 0


@pytest.mark.parametrize(
    ("img", "fmt", "mode"),
    [
        (Image.new("L", (30, 20), 128), "JPEG", "RGB"),
        (Image.new("CMYK", (30, 20), (0, 255, 255, 0)), "JPEG", "RGB"),
        (Image.new("L", (30, 20), 128), "PNG", "L"),
        (Image.new("I;16", (30, 20), 32768), "PNG", "L"),
        (Image.new("LA", (30, 20), (128, 100)), "PNG", "RGBA"),
        (Image.new("RGBA", (30, 20), (9, 9, 9, 255)), "PNG", "RGB"),
        (Image.new("RGBA", (30, 20), (9, 9, 9, 100)), "WEBP", "RGBA"),
    ],
    ids=["grey-jpeg", "cmyk-jpeg", "grey-png", "16bit-png", "la-png", "opaque", "webp"],
)
def test_modes_are_converted_to_what_the_format_stores(img, fmt, mode):
    clean = photos.sanitize(upload(encode(img, fmt)))

    stored = Image.open(BytesIO(clean.content))
    assert (stored.format, stored.mode) == (fmt, mode)
    if img.mode == "I;16":
        assert stored.getextrema() == (127, 127)  # scaled to 8 bits, not clipped


# Corrupt files and caps


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff\xe0" + b"\x13\x37garbage" * 200,
        b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 200,
        b"RIFF\x10\x00\x00\x00WEBPVP8 garbage-garbage",
        encode(Image.effect_noise((200, 200), 64).convert("RGB"), "JPEG")[:1500],
    ],
    ids=["jpeg-garbage", "png-garbage", "webp-garbage", "truncated-jpeg"],
)
def test_corrupt_images_are_refused(data):
    refused(data, "corrupt")


@override_settings(PHOTO_MAX_PIXELS=10_000)
def test_image_over_the_pixel_cap_is_refused():
    refused(encode(Image.new("RGB", (200, 200), RED), "PNG"), "too_many_pixels")


@override_settings(PHOTO_MAX_PIXELS=10_000)
def test_pixel_cap_is_checked_before_any_pixel_is_decoded():
    # The header says 200×200; the pixel data is garbage. Decoding first would
    # answer "corrupt".
    source = bytearray(encode(Image.effect_noise((200, 200), 64), "PNG"))
    idat = source.index(b"IDAT") + 4
    source[idat : idat + 200] = b"\x00" * 200
    refused(bytes(source), "too_many_pixels")


def test_decompression_bomb_png_is_refused():
    started = time.monotonic()
    bomb = png_bomb(20_000, 20_000)  # 400 Mpx, 1-bit, all black
    assert time.monotonic() - started < 2
    assert len(bomb) < 1_000_000

    refused(bomb, "too_many_pixels")


@override_settings(PHOTO_MAX_PIXELS=10**12)
@pytest.mark.parametrize(
    "size",
    [(10_000, 10_000), (20_000, 20_000)],
    ids=["pillow-warning", "pillow-error"],
)
def test_pillow_bomb_guard_is_a_refusal_even_with_a_lax_cap(size):
    # 100 Mpx makes Pillow warn, 400 Mpx makes it raise; both must refuse.
    refused(png_bomb(*size), "too_many_pixels")


@override_settings(PHOTO_MAX_BYTES=1_000)
def test_file_over_the_byte_cap_is_refused():
    source = encode(Image.effect_noise((100, 100), 64).convert("RGB"), "JPEG")
    assert len(source) > 1_000
    error = refused(source, "too_large")
    assert "1000" in str(error.message).replace(".", "").replace(",", "")


@override_settings(PHOTO_MAX_BYTES=1_000)
def test_lying_size_does_not_bypass_the_byte_cap():
    source = encode(Image.effect_noise((100, 100), 64).convert("RGB"), "JPEG")
    stream = BytesIO(source)
    stream.size = 10  # what a hostile client would declare

    refused(stream, "too_large")

    assert stream.tell() <= 1_001  # never read past cap + 1


def test_check_request_accepts_the_maximum_batch():
    files = [upload(b"x" * 10) for _ in range(5)]
    assert photos.check_request(files) is None


def test_check_request_refuses_too_many_files():
    with pytest.raises(PhotoError) as caught:
        photos.check_request([upload(b"x") for _ in range(6)])
    assert caught.value.code == "too_many_files"
    assert "5" in str(caught.value.message)


@override_settings(PHOTO_MAX_FILES=10, PHOTO_MAX_REQUEST_BYTES=100)
def test_check_request_refuses_a_request_over_the_total():
    photos.check_request([upload(b"x" * 50), upload(b"x" * 50)])
    with pytest.raises(PhotoError) as caught:
        photos.check_request([upload(b"x" * 50), upload(b"x" * 51)])
    assert caught.value.code == "request_too_large"


# Sizes


def test_default_caps_downscale_to_2048_and_400():
    source = encode(halves((2100, 700)), "JPEG")

    clean = photos.sanitize(upload(source))

    assert (clean.width, clean.height) == (2048, 683)
    assert Image.open(BytesIO(clean.content)).size == (2048, 683)
    assert Image.open(BytesIO(clean.thumbnail)).size == (400, 133)


@override_settings(PHOTO_MAX_EDGE=300, PHOTO_THUMB_EDGE=50)
def test_downscaling_follows_the_settings_and_keeps_the_aspect():
    clean = photos.sanitize(upload(encode(halves((200, 600)), "PNG")))

    assert (clean.width, clean.height) == (100, 300)
    assert Image.open(BytesIO(clean.content)).size == (100, 300)
    thumb = Image.open(BytesIO(clean.thumbnail))
    assert thumb.format == "JPEG"
    assert max(thumb.size) == 50


def test_small_images_are_not_upscaled():
    clean = photos.sanitize(upload(encode(halves((64, 32)), "JPEG")))

    assert (clean.width, clean.height) == (64, 32)
    assert Image.open(BytesIO(clean.thumbnail)).size == (64, 32)


def test_sanitize_reads_an_upload_from_the_start():
    source = upload(encode(halves((64, 32)), "JPEG"))
    source.read()  # a form's validation may already have consumed it

    assert photos.sanitize(source).width == 64


# Names


def test_new_name_is_generated_never_taken_from_the_client():
    hostile = upload(
        encode(halves((40, 40)), "JPEG"), name="../../evil<script>.php.jpg"
    )
    clean = photos.sanitize(hostile)

    name = photos.new_name(clean.extension)

    assert re.fullmatch(r"photos/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", name)
    assert "evil" not in name and ".." not in name and ".php" not in name
    assert photos.new_name(".jpg") != photos.new_name(".jpg")


@pytest.mark.parametrize("extension", [".jpg", ".png", ".webp"])
def test_new_name_keeps_the_stored_extension(extension):
    assert photos.new_name(extension).endswith(extension)


@pytest.mark.parametrize("extension", [".php", ".svg", ".html", "", "/../x.jpg"])
def test_new_name_refuses_other_extensions(extension):
    with pytest.raises(ValueError):
        photos.new_name(extension)


def test_new_name_dates_by_the_local_month(monkeypatch):
    # 20:00 UTC on 31 October is already 1 November in Huế (UTC+7).
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 10, 31, 20, tzinfo=UTC))

    assert photos.new_name(".png").startswith("photos/2026/11/")
