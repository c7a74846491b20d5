"""The public report pages (no login): /report/ and the status page by tracking code."""

from .views import public

app_name = "report"
urlpatterns = [*public.urlpatterns]
