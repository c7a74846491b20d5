from .views import detail, major, notices, pages

app_name = "hazards"
urlpatterns = [
    *pages.urlpatterns,
    *detail.urlpatterns,
    *notices.urlpatterns,
    *major.urlpatterns,
]
