"""Open311 GeoReport v2 under /open311/v2/."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "open311"
urlpatterns: list[URLPattern] = []
