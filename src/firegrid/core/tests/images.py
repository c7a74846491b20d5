"""Hostile images for the upload tests of every app (built once per test run: ~2 s)."""

from __future__ import annotations

import functools
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

BOMB_SIDE = 20_000


@functools.lru_cache(maxsize=1)
def bomb_png_bytes() -> bytes:
    """A valid 20000 × 20000 PNG (400 million pixels) of about 200 KB: one bit per pixel,
    all zero, so it compresses to almost nothing and decodes to gigabytes in RGB."""
    out = io.BytesIO()
    Image.new("1", (BOMB_SIDE, BOMB_SIDE)).save(out, format="PNG", compress_level=1)
    return out.getvalue()


def bomb_png(name: str = "bomb.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, bomb_png_bytes(), content_type="image/png")


def png_of(width: int, height: int, name: str = "wide.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, format="PNG", compress_level=1)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")
