from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from firegrid.core.views import healthz

from .api import api

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # "/" leads where each role's work starts (dashboard.selectors_landing.landing_for).
    path("", RedirectView.as_view(pattern_name="dashboard:landing", permanent=False), name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("grids/", include("firegrid.grids.urls")),
    path("people/", include("firegrid.people.urls")),
    path("registry/", include("firegrid.registry.urls")),
    path("inspections/", include("firegrid.inspections.urls")),
    path("notifications/", include("firegrid.notifications.urls")),
    path("hazards/", include("firegrid.hazards.urls")),
    path("reports/", include("firegrid.reports.urls")),
    path("report/", include("firegrid.reports.urls_public")),
    path("open311/v2/", include("firegrid.reports.open311.urls")),
    path("metrics/", include("firegrid.metrics.urls")),
    path("dashboard/", include("firegrid.dashboard.urls")),
    path("admin/", admin.site.urls),
]
