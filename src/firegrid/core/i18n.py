"""Data names in the viewer's language.

Levels (网格层级) and roles (岗位) are data, so their names cannot go through gettext:
each row carries its Chinese ``name`` and an optional English ``name_en``.
"""

from typing import Protocol

from django.utils import translation


class HasLocalizedName(Protocol):
    name: str
    name_en: str


def localized(chinese: str, english: str) -> str:
    """``english`` for an English-speaking viewer when there is one, else the Chinese text."""
    language = translation.get_language() or ""
    if language.lower().startswith("en") and english:
        return english
    return chinese


def localized_name(obj: HasLocalizedName) -> str:
    """``name_en`` for an English-speaking viewer when there is one, else the Chinese ``name``."""
    return localized(obj.name, obj.name_en)
