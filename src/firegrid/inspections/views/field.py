"""Field pages for phones: the inspection form (offline drafts) and the patrol check-in."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
