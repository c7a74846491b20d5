from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "firegrid.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the production-readiness checks)
        from .photos import apply_pixel_limit

        apply_pixel_limit()  # every Image.open in the process refuses decompression bombs
