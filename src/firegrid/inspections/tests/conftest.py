"""Fixtures of the inspections tests: places in the small jurisdiction, workers, a tiny JPEG."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from firegrid.grids.models import Grid
from firegrid.registry.models import Place, PlaceType


def place_in(grid: Grid, type_code: str = "small_shop", **fields: Any) -> Place:
    """A place at the centre of `grid` (a leaf grid of the small jurisdiction)."""
    box = grid.boundary["coordinates"][0]
    lon = (box[0][0] + box[2][0]) / 2
    lat = (box[0][1] + box[2][1]) / 2
    name = fields.pop("name", f"{type_code}-{Place.objects.count() + 1}")
    values: dict[str, Any] = {
        "name": name,
        "name_key": name.lower(),
        "place_type": PlaceType.objects.get(code=type_code),
        "grid": grid,
        "grid_path": grid.path,
        "lon": lon,
        "lat": lat,
        **fields,
    }
    return Place.objects.create(**values)


@pytest.fixture
def make_place(db: Any) -> Callable[..., Place]:
    return place_in


def jpeg_bytes(size: tuple[int, int] = (64, 48), *, exif: Any = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    if exif is not None:
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def photo() -> Callable[..., SimpleUploadedFile]:
    def make(name: str = "p.jpg", **kwargs: Any) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")

    return make
