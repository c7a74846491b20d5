from django.urls import path

from .views import landing, overview, today

app_name = "dashboard"

urlpatterns = [
    # Where "/" and the login lead: offices and leaders to the overview, field staff to today.
    path("", landing.page, name="landing"),
    path("today/", today.page, name="today"),
    path("overview/", overview.page, name="overview"),
]
