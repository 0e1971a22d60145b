"""The one image-upload pipeline: every user photo passes here before it is stored.

Threat model. An upload is attacker-controlled bytes with an attacker-chosen name and
Content-Type. Risks: documents posing as images (SVG or HTML carrying script, PDF),
decoder bugs in formats we never need (so only the JPEG, PNG and WebP decoders are
ever asked), decompression bombs (a small file declaring a huge canvas), and privacy
leaks through metadata (EXIF GPS, camera serial numbers, XMP, PNG text chunks).
So: the type comes from magic bytes only, sizes and pixel counts are capped before
any pixel is decoded, the pixels are copied into a fresh image and re-encoded with
no metadata at all, and the storage name is generated here, never taken from the
client. Location comes from the device's geolocation at capture time, not EXIF.

The module knows no model: hotspot photos and cleanup-event photos both use it.
"""

import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Protocol

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from config.errors import ClientError

MiB = 1024 * 1024

FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
THUMB_FORMAT = "JPEG"
THUMB_EXTENSION = ".jpg"
THUMB_CONTENT_TYPE = "image/jpeg"


class PhotoError(ClientError, ValueError):
    """A photo (or a batch of photos) a client sent that the platform refuses."""

    SIZE_CODES = frozenset({"too_large", "request_too_large"})

    def __init__(self, code: str, message, field: str = "photos"):
        # Size problems are 413 (Content Too Large); the rest are 400.
        super().__init__(
            code, message, field, status=413 if code in self.SIZE_CODES else 400
        )


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded photo with no metadata, and its JPEG thumbnail."""

    content: bytes
    thumbnail: bytes
    width: int
    height: int
    format: str
    extension: str
    content_type: str


class HasSize(Protocol):
    size: int


# Limits are read on every call so settings (and tests) can change them.


def max_bytes() -> int:
    """Return the largest accepted file, in bytes."""
    return getattr(settings, "PHOTO_MAX_BYTES", 10 * MiB)


def max_files() -> int:
    """Return how many photos one request may carry."""
    return getattr(settings, "PHOTO_MAX_FILES", 5)


def max_request_bytes() -> int:
    """Return the largest accepted total of one request's photos, in bytes."""
    return getattr(settings, "PHOTO_MAX_REQUEST_BYTES", 30 * MiB)


def max_pixels() -> int:
    """Return the largest accepted width × height of a photo."""
    return getattr(settings, "PHOTO_MAX_PIXELS", 40_000_000)


def max_edge() -> int:
    """Return the longest edge of a stored photo, in pixels."""
    return getattr(settings, "PHOTO_MAX_EDGE", 2048)


def thumb_edge() -> int:
    """Return the longest edge of a thumbnail, in pixels."""
    return getattr(settings, "PHOTO_THUMB_EDGE", 400)


def sniff(head: bytes) -> str | None:
    """Return "JPEG", "PNG" or "WEBP" from the file's magic bytes, else None."""
    if head[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def check_request(files: Sequence[HasSize]) -> None:
    """Refuse a batch with too many files or too many bytes in total.

    Call it before sanitizing anything; ``.size`` may lie, which :func:`sanitize`
    catches per file by never reading more than the per-file cap.
    """
    limit = max_files()
    if len(files) > limit:
        raise PhotoError(
            "too_many_files",
            format_lazy(_("Tối đa {count} ảnh mỗi lần gửi."), count=limit),
        )
    limit = max_request_bytes()
    if sum(f.size for f in files) > limit:
        raise PhotoError(
            "request_too_large",
            format_lazy(
                _("Tổng dung lượng ảnh tối đa {size}."), size=filesizeformat(limit)
            ),
        )


def sanitize(upload: IO[bytes]) -> CleanImage:
    """Return the upload as a clean, downscaled, metadata-free image and thumbnail.

    ``upload`` is a Django ``UploadedFile`` or any binary file-like object.
    Raise :class:`PhotoError` for anything that is not a sound JPEG, PNG or WebP
    within the size and pixel caps.
    """
    data = _read_capped(upload)
    fmt = sniff(data[:16])
    if fmt is None:
        raise PhotoError("unsupported_type", _("Ảnh phải là JPEG, PNG hoặc WebP."))
    img = _decode(data, fmt)
    img = _normalize_mode(img, fmt)
    img.thumbnail((max_edge(), max_edge()))
    content = _encode(img, fmt)

    thumb = _flatten(img)
    thumb.thumbnail((thumb_edge(), thumb_edge()))
    return CleanImage(
        content=content,
        thumbnail=_encode(thumb, THUMB_FORMAT),
        width=img.width,
        height=img.height,
        format=fmt,
        extension=EXTENSIONS[fmt],
        content_type=CONTENT_TYPES[fmt],
    )


def new_name(extension: str) -> str:
    """Return a fresh storage name such as ``photos/2026/11/<hex>.jpg``.

    Nothing of the client's file name goes in: it may carry a path, a double
    extension, or personal data.
    """
    if extension not in (*EXTENSIONS.values(), THUMB_EXTENSION):
        raise ValueError(f"not a photo extension: {extension!r}")
    now = timezone.localtime(timezone.now())
    token = uuid.uuid4().hex
    return f"photos/{now:%Y/%m}/{token}{extension}"


def _too_large() -> PhotoError:
    return PhotoError(
        "too_large",
        format_lazy(_("Mỗi ảnh tối đa {size}."), size=filesizeformat(max_bytes())),
    )


def _too_many_pixels() -> PhotoError:
    return PhotoError(
        "too_many_pixels",
        _("Ảnh có quá nhiều điểm ảnh; hãy chụp lại với độ phân giải thấp hơn."),
    )


def _corrupt() -> PhotoError:
    return PhotoError("corrupt", _("Không đọc được ảnh; tệp có thể bị hỏng."))


def _read_capped(upload: IO[bytes]) -> bytes:
    limit = max_bytes()
    size = getattr(upload, "size", None)
    # The declared size lets us refuse early; it is not trusted to let a file in.
    if isinstance(size, int) and size > limit:
        raise _too_large()
    seekable = getattr(upload, "seekable", None)
    if seekable is not None and seekable():
        upload.seek(0)
    # One byte over the cap is enough to know the file is too large.
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large()
    return data


def _decode(data: bytes, fmt: str) -> Image.Image:
    # catch_warnings swaps a process-wide filter, so in a threaded server another
    # request may briefly see Pillow's bomb warning as a plain warning. That is
    # acceptable: the explicit pixel check below is the real gate, and Pillow's
    # warning only fires far above it (Image.MAX_IMAGE_PIXELS).
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # formats=[fmt]: only the decoder the magic bytes named is ever tried,
            # so a file can't steer us into PSD, EPS, FITS or other plugins.
            img = Image.open(BytesIO(data), formats=[fmt])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except Exception:
            raise _corrupt() from None
        width, height = img.size
        # Image.open has only read the header: refuse huge canvases before any
        # pixel is decoded and memory is spent.
        if width * height > max_pixels():
            raise _too_many_pixels()
        try:
            # Plugins raise all sorts (OSError, ValueError, SyntaxError,
            # struct.error) on hostile input; every one means "not a sound image".
            img.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except Exception:
            raise _corrupt() from None
    try:
        ImageOps.exif_transpose(img, in_place=True)
    except Exception:
        # Orientation is cosmetic and the metadata is dropped anyway: a photo with
        # malformed EXIF is kept as the sensor stored it rather than refused.
        pass
    # Animated WebP/APNG: the frame Image.open left us on (the first) is the photo.
    return img


def _normalize_mode(img: Image.Image, fmt: str) -> Image.Image:
    if fmt == "JPEG":
        return img if img.mode == "RGB" else img.convert("RGB")
    alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
    if alpha:
        img = img if img.mode == "RGBA" else img.convert("RGBA")
        # An alpha channel that is opaque everywhere only costs bytes.
        if img.getchannel("A").getextrema() == (255, 255):
            img = img.convert("RGB")
        return img
    if fmt == "PNG" and img.mode in ("I", "I;16"):
        # 16-bit greyscale: Pillow's convert("L") clips at 255 (nearly all white),
        # so scale 0..65535 onto 0..255 first.
        return img.convert("I").point(lambda v: v / 257).convert("L")
    if fmt == "PNG" and img.mode in ("1", "L"):
        return img if img.mode == "L" else img.convert("L")
    return img if img.mode == "RGB" else img.convert("RGB")


def _flatten(img: Image.Image) -> Image.Image:
    """Return an RGB copy, transparent areas on white (thumbnails are JPEG)."""
    if img.mode == "RGBA":
        flat = Image.new("RGB", img.size, (255, 255, 255))
        flat.paste(img, mask=img.getchannel("A"))
        return flat
    return img.convert("RGB")


def _encode(img: Image.Image, fmt: str) -> bytes:
    # A fresh image built from pixel data alone has an empty .info, so no EXIF,
    # XMP, ICC profile, comment or PNG text chunk can ride along into the save
    # (several encoders fall back to im.info when no option is passed). Dropping
    # the ICC profile shows wide-gamut photos as sRGB, slightly duller; converting
    # them would mean parsing attacker-supplied profiles with LittleCMS.
    clean = Image.frombytes(img.mode, img.size, img.tobytes())
    out = BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "PNG":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "WEBP", quality=85)
    return out.getvalue()
