"""Uploaded photos, for every upload path (inspections, patrols, hazards, people, citizen
reports and Open311 `media`): check they are images, shrink them, drop location EXIF, keep the
capture time.

An upload is untrusted: a 1 MB PNG can claim 20000 × 20000 pixels and decode to gigabytes. The
size in the header (`Image.open` reads only the header) is checked against
FIREGRID_IMAGE_MAX_PIXELS before any pixel is decoded, and Pillow's own bomb guard
(`Image.MAX_IMAGE_PIXELS`, set from the same setting in `CoreConfig.ready`) is turned into the
same clear refusal. JPEGs are decoded at a reduced scale (`draft`) when they are much larger
than the kept size.

A photo of a hazard is evidence, so the time it was taken stays with it (as `taken_at`); the
GPS position and every other metadata block go away when the pixels are re-encoded.
"""

from __future__ import annotations

import datetime
import io
import warnings
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ValidationFailed

EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 36867
DATETIME = 306
# What "not an image" looks like from Pillow, for a truncated or hostile file.
_UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)
_BOMB = (Image.DecompressionBombError, Image.DecompressionBombWarning)


@dataclass
class CleanPhoto:
    content: ContentFile[bytes]
    taken_at: datetime.datetime | None
    width: int
    height: int


def apply_pixel_limit() -> None:
    """Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that, for every Image.open
    in the process (stored photos read back for documents, too)."""
    Image.MAX_IMAGE_PIXELS = int(settings.FIREGRID_IMAGE_MAX_PIXELS)


def _taken_at(image: Image.Image) -> datetime.datetime | None:
    exif = image.getexif()
    raw = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    if not isinstance(raw, str):
        return None
    try:
        naive = datetime.datetime.strptime(raw.strip(), "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007
    except ValueError:
        return None
    # Cameras write local time without a zone: read it in the deployment's zone.
    return timezone.make_aware(naive)


def _too_many_pixels(name: str, width: int | None, height: int | None) -> ValidationFailed:
    limit = int(settings.FIREGRID_IMAGE_MAX_PIXELS)
    if width and height:
        message = _(
            "%(name)s has too many pixels (%(width)s × %(height)s); at most %(limit)s million "
            "pixels are accepted. Send a smaller photo."
        ) % {"name": name, "width": width, "height": height, "limit": round(limit / 1e6, 1)}
    else:
        message = _(
            "%(name)s has too many pixels; at most %(limit)s million pixels are accepted. "
            "Send a smaller photo."
        ) % {"name": name, "limit": round(limit / 1e6, 1)}
    return ValidationFailed(message, code="photo_too_large")


def open_photo(
    upload: Any, *, label: str = "", formats: Collection[str] | None = None
) -> Image.Image:
    """The image of `upload` with only its header read, or ValidationFailed: not an image, not
    one of `formats` (Pillow names: "JPEG", "PNG"…), or more pixels than allowed."""
    name = label or _("The photo")
    not_image = ValidationFailed(
        _("%(name)s is not an image.") % {"name": name}, code="photo_not_image"
    )
    if hasattr(upload, "seek"):
        upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image: Image.Image = Image.open(upload)
        except _BOMB as exc:
            raise _too_many_pixels(name, None, None) from exc
        except _UNREADABLE as exc:
            raise not_image from exc
    if formats is not None and image.format not in formats:
        raise not_image
    width, height = image.size
    if width <= 0 or height <= 0:
        raise not_image
    if width * height > int(settings.FIREGRID_IMAGE_MAX_PIXELS):
        raise _too_many_pixels(name, width, height)
    return image


def clean_photo(
    upload: Any,
    *,
    label: str = "",
    max_bytes: int | None = None,
    max_side: int | None = None,
    formats: Collection[str] | None = None,
) -> CleanPhoto:
    """A checked, resized, metadata-free JPEG of `upload`, or ValidationFailed naming `label`.

    `max_bytes` and `max_side` default to the field-photo settings; nothing is decoded before
    the byte size and the pixel count (from the header) have been checked.
    """
    limit = max_bytes or int(settings.FIREGRID_INSPECTION_PHOTO_MAX_BYTES)
    side = max_side or int(settings.FIREGRID_INSPECTION_PHOTO_MAX_SIDE_PX)
    name = label or _("The photo")
    if (getattr(upload, "size", 0) or 0) > limit:
        raise ValidationFailed(
            _("%(name)s is larger than %(mb)d MB.")
            % {"name": name, "mb": max(1, limit // (1024 * 1024))},
            code="photo_too_large",
        )
    image = open_photo(upload, label=name, formats=formats)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            if image.format == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 scale when that still covers the kept size.
                image.draft("RGB", (side, side))
            image.load()
        except _BOMB as exc:
            raise _too_many_pixels(name, *image.size) from exc
        except (*_UNREADABLE, MemoryError) as exc:
            raise ValidationFailed(
                _("%(name)s is not an image.") % {"name": name}, code="photo_not_image"
            ) from exc
    taken_at = _taken_at(image)
    # Turn the pixels upright first: the orientation tag goes away with the rest of the EXIF.
    image = ImageOps.exif_transpose(image) or image
    image = image.convert("RGB")
    image.thumbnail((side, side))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)  # no exif= argument: nothing is carried over
    return CleanPhoto(ContentFile(out.getvalue()), taken_at, image.width, image.height)
