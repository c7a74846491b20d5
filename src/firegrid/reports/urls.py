from .views import staff

app_name = "reports"
urlpatterns = [*staff.urlpatterns]
