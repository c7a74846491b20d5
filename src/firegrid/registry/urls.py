from django.urls import include, path

from . import views
from .urls_ledger import urlpatterns as ledger_urlpatterns

app_name = "registry"

urlpatterns = [
    path("", views.place_map, name="map"),
    path("places/", views.place_list, name="place_list"),
    path("places/new/", views.place_create, name="place_create"),
    path("places/<int:place_id>/", views.place_detail, name="place_detail"),
    path("places/<int:place_id>/edit/", views.place_edit, name="place_edit"),
    path("places/<int:place_id>/placard/", views.place_placard, name="place_placard"),
    path("places.geojson", views.place_geojson, name="place_geojson"),
    path("ledger/", include(ledger_urlpatterns)),
]
