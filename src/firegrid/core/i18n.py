"""Data names in the viewer's language.

Levels (网格层级) and roles (岗位) are data, so their names cannot go through gettext:
each row carries its Chinese ``name`` and an optional English ``name_en``.
"""

from typing import Protocol

from django.utils import translation


class HasLocalizedName(Protocol):
    name: str
    name_en: str


def localized_name(obj: HasLocalizedName) -> str:
    """``name_en`` for an English-speaking viewer when there is one, else the Chinese ``name``."""
    language = translation.get_language() or ""
    if language.lower().startswith("en") and obj.name_en:
        return obj.name_en
    return obj.name
