"""FireGrid template helpers: ``{% load firegrid %}``."""

from django import template

from firegrid.core.i18n import HasLocalizedName
from firegrid.core.i18n import localized_name as _localized_name

register = template.Library()


@register.filter
def localized_name(obj: HasLocalizedName | None) -> str:
    """``{{ grid.level|localized_name }}``: a level's or role's name in the viewer's language."""
    if obj is None:
        return ""
    return _localized_name(obj)
