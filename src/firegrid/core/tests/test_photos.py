"""The one photo check of every upload path: pixel count from the header before decoding."""

from __future__ import annotations

import io
import struct
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image
from PIL.JpegImagePlugin import JpegImageFile

from firegrid.core.errors import ValidationFailed
from firegrid.core.photos import apply_pixel_limit, clean_photo, open_photo

from .images import bomb_png, bomb_png_bytes, png_of


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def jpeg(width: int, height: int) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def test_the_bomb_png_is_small_on_disk_and_huge_in_pixels() -> None:
    data = bomb_png_bytes()
    assert len(data) < 1024 * 1024
    assert struct.unpack(">II", data[16:24]) == (20_000, 20_000)  # IHDR width, height


def test_a_decompression_bomb_is_refused_from_its_header_before_decoding(
    monkeypatch: Any,
) -> None:
    decoded: list[str] = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append("load"))

    with pytest.raises(ValidationFailed) as caught:
        clean_photo(bomb_png(), label="Photo 1")

    assert caught.value.code == "photo_too_large"
    # Pillow's own guard (set from the same setting) stops it inside Image.open.
    assert caught.value.message == (
        "Photo 1 has too many pixels; at most 40.0 million pixels are accepted. "
        "Send a smaller photo."
    )
    assert decoded == []


def test_pillows_own_bomb_guard_follows_the_setting(settings: Any) -> None:
    settings.FIREGRID_IMAGE_MAX_PIXELS = 1_000
    apply_pixel_limit()
    try:
        assert Image.MAX_IMAGE_PIXELS == 1_000
        # Above twice the limit Pillow refuses in Image.open itself: still the same refusal.
        with pytest.raises(ValidationFailed) as caught:
            open_photo(png_of(100, 100), label="Photo 1")
        assert caught.value.code == "photo_too_large"
        assert caught.value.message == (
            "Photo 1 has too many pixels; at most 0.0 million pixels are accepted. "
            "Send a smaller photo."
        )
    finally:
        settings.FIREGRID_IMAGE_MAX_PIXELS = 40_000_000
        apply_pixel_limit()
    assert Image.MAX_IMAGE_PIXELS == 40_000_000


def test_an_image_just_over_the_limit_is_refused_and_one_at_the_limit_is_kept(
    settings: Any,
) -> None:
    settings.FIREGRID_IMAGE_MAX_PIXELS = 4_000_000
    with pytest.raises(ValidationFailed) as caught:
        clean_photo(png_of(2001, 2000))
    assert caught.value.message.startswith("The photo has too many pixels (2001 × 2000)")

    cleaned = clean_photo(png_of(2000, 2000), max_side=500)
    assert (cleaned.width, cleaned.height) == (500, 500)


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(monkeypatch: Any) -> None:
    drafts: list[tuple[str | None, tuple[int, int]]] = []
    real = JpegImageFile.draft

    def spy(self: JpegImageFile, mode: str | None, size: Any) -> Any:
        result = real(self, mode, size)
        drafts.append((mode, self.size))
        return result

    monkeypatch.setattr(JpegImageFile, "draft", spy)
    cleaned = clean_photo(jpeg(6400, 4800), max_side=800)

    assert drafts[0] == ("RGB", (1600, 1200))  # decoded at 1/4 scale, still covering 800 px
    assert (cleaned.width, cleaned.height) == (800, 600)


@pytest.mark.parametrize(
    "content",
    [b"not an image", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, bomb_png_bytes()[:2000]],
    ids=["text", "png-signature-only", "truncated-bomb"],
)
def test_broken_files_are_not_images(content: bytes) -> None:
    with pytest.raises(ValidationFailed) as caught:
        clean_photo(SimpleUploadedFile("x.png", content), label="Photo 2")
    assert caught.value.code in {"photo_not_image", "photo_too_large"}
    if caught.value.code == "photo_not_image":
        assert caught.value.message == "Photo 2 is not an image."


def test_formats_outside_the_list_are_not_images() -> None:
    with pytest.raises(ValidationFailed) as caught:
        clean_photo(png_of(10, 10), formats={"JPEG"})
    assert (caught.value.code, caught.value.message) == (
        "photo_not_image",
        "The photo is not an image.",
    )
