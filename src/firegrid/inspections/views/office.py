"""Office pages: my tasks, grid calendar, coverage, who is behind, staffing."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
