from django.urls import path

from . import views

app_name = "metrics"

urlpatterns = [
    path("<slug:code>/records/", views.records_view, name="records"),
    path("<slug:code>/records/export.csv", views.records_export, name="records_export"),
]
