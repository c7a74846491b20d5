"""Serve Leaflet from the installed `xstatic-leaflet` package under the `leaflet/` prefix.

No CDN: `{% static 'leaflet/leaflet.js' %}` resolves to the package's own files, in development
(finders), under whitenoise (WHITENOISE_USE_FINDERS) and through `collectstatic`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.finders import FileSystemFinder
from django.core.files.storage import FileSystemStorage

LEAFLET_PREFIX = "leaflet"


def leaflet_dir() -> str:
    import xstatic.pkg.leaflet as leaflet

    return str(leaflet.BASE_DIR)


class LeafletFinder(FileSystemFinder):
    """A FileSystemFinder whose only location is the xstatic-leaflet data directory."""

    def __init__(self, app_names: Any = None, *args: Any, **kwargs: Any) -> None:
        root = leaflet_dir()
        self.locations = [(LEAFLET_PREFIX, root)]
        storage = FileSystemStorage(location=root)
        storage.prefix = LEAFLET_PREFIX  # type: ignore[attr-defined]
        self.storages = {root: storage}
        # Skip FileSystemFinder.__init__: it would read STATICFILES_DIRS.
        super(FileSystemFinder, self).__init__(*args, **kwargs)

    def check(self, **kwargs: Any) -> list[Any]:
        return []


MARKERCLUSTER_PREFIX = "leaflet-markercluster"


def markercluster_dir() -> str:
    import xstatic.pkg.leaflet_markercluster as markercluster

    return str(markercluster.BASE_DIR)


class MarkerClusterFinder(LeafletFinder):
    """Leaflet.markercluster from `xstatic-leaflet-markercluster`, as `leaflet-markercluster/`."""

    def __init__(self, app_names: Any = None, *args: Any, **kwargs: Any) -> None:
        root = markercluster_dir()
        self.locations = [(MARKERCLUSTER_PREFIX, root)]
        storage = FileSystemStorage(location=root)
        storage.prefix = MARKERCLUSTER_PREFIX  # type: ignore[attr-defined]
        self.storages = {root: storage}
        super(FileSystemFinder, self).__init__(*args, **kwargs)
