from .views import major, notices, pages

app_name = "hazards"
urlpatterns = [*pages.urlpatterns, *notices.urlpatterns, *major.urlpatterns]
