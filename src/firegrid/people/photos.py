"""Photo uploads: check they are images, shrink them and drop EXIF (location) data.

Phone cameras write the GPS position into EXIF; a 公示 board photo must not publish where the
picture was taken. Re-encoding the pixels into a fresh JPEG leaves every metadata block behind.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from firegrid.core.errors import ValidationFailed

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SIDE_PX = 800
MAX_PIXELS = 40_000_000  # a photo, not a decompression bomb


def clean_photo(upload: Any) -> ContentFile[bytes]:
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationFailed(_("The photo is larger than 10 MB."), code="photo_too_large")
    try:
        image: Image.Image = Image.open(upload)
        if image.width * image.height > MAX_PIXELS:
            raise ValidationFailed(_("The photo has too many pixels."), code="photo_too_large")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationFailed(_("The file is not an image."), code="photo_not_image") from exc
    # Turn the pixels upright first: the orientation tag goes away with the rest of the EXIF.
    image = ImageOps.exif_transpose(image) or image
    image = image.convert("RGB")
    image.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)  # no exif= argument: nothing is carried over
    return ContentFile(out.getvalue())
