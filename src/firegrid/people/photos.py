"""Photo uploads: check they are images, shrink them and drop EXIF (location) data."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

from firegrid.core.errors import ValidationFailed

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SIDE_PX = 800


def clean_photo(upload: Any) -> ContentFile[bytes]:
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationFailed("the photo is larger than 10 MB", code="photo_too_large")
    try:
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationFailed("the file is not an image", code="photo_not_image") from exc
    image = image.convert("RGB")
    image.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)  # re-encoding leaves all EXIF behind
    return ContentFile(out.getvalue())
