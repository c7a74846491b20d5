"""Field photos: check they are images, shrink them, drop location EXIF, keep the capture time.

A photo of a hazard is evidence, so the time it was taken stays with it (as `taken_at`); the
GPS position and every other metadata block go away when the pixels are re-encoded.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from firegrid.core.errors import ValidationFailed

MAX_PIXELS = 60_000_000  # a phone photo, not a decompression bomb
EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 36867
DATETIME = 306


@dataclass
class CleanPhoto:
    content: ContentFile[bytes]
    taken_at: datetime.datetime | None
    width: int
    height: int


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


def clean_field_photo(upload: Any, *, label: str = "") -> CleanPhoto:
    """A checked, resized, metadata-free JPEG of `upload`, or ValidationFailed naming `label`."""
    limit = settings.FIREGRID_INSPECTION_PHOTO_MAX_BYTES
    name = label or getattr(upload, "name", "") or _("photo")
    if getattr(upload, "size", 0) > limit:
        raise ValidationFailed(
            _("%(name)s is larger than %(mb)d MB.") % {"name": name, "mb": limit // (1024 * 1024)},
            code="photo_too_large",
        )
    try:
        image: Image.Image = Image.open(upload)
        if image.width * image.height > MAX_PIXELS:
            raise ValidationFailed(
                _("%(name)s has too many pixels.") % {"name": name}, code="photo_too_large"
            )
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationFailed(
            _("%(name)s is not an image.") % {"name": name}, code="photo_not_image"
        ) from exc
    taken_at = _taken_at(image)
    image = ImageOps.exif_transpose(image) or image
    image = image.convert("RGB")
    side = settings.FIREGRID_INSPECTION_PHOTO_MAX_SIDE_PX
    image.thumbnail((side, side))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)  # no exif= argument: nothing is carried over
    return CleanPhoto(ContentFile(out.getvalue()), taken_at, image.width, image.height)
