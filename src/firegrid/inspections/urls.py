from .views import field, office

app_name = "inspections"
urlpatterns = [*office.urlpatterns, *field.urlpatterns]
