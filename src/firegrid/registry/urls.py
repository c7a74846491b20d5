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
    path("places/<int:place_id>/classify/", views.place_classify, name="place_classify"),
    path("places/<int:place_id>/duplicates/", views.place_duplicate, name="place_duplicate"),
    path("places/<int:place_id>/placard/", views.place_placard, name="place_placard"),
    path("places.geojson", views.place_geojson, name="place_geojson"),
    path("buildings/", views.building_list, name="building_list"),
    path("buildings/new/", views.building_create, name="building_create"),
    path("buildings/<int:building_id>/", views.building_detail, name="building_detail"),
    path("buildings/<int:building_id>/edit/", views.building_edit, name="building_edit"),
    path(
        "buildings/<int:building_id>/households/new/",
        views.household_create,
        name="household_create",
    ),
    path(
        "households/<int:household_id>/residents/new/",
        views.resident_create,
        name="resident_create",
    ),
    path("households/<int:household_id>/edit/", views.household_edit, name="household_edit"),
    path("residents/<int:resident_id>/edit/", views.resident_edit, name="resident_edit"),
    path("residents/", views.resident_list, name="resident_list"),
    path("residents/<int:resident_id>/reveal/", views.resident_reveal, name="resident_reveal"),
    path("fire-resources/", views.fire_resource_list, name="fire_resource_list"),
    path("fire-resources/new/", views.fire_resource_create, name="fire_resource_create"),
    path(
        "fire-resources/<int:resource_id>/edit/",
        views.fire_resource_edit,
        name="fire_resource_edit",
    ),
    path(
        "fire-resources/<int:resource_id>/equipment/",
        views.fire_resource_equipment,
        name="fire_resource_equipment",
    ),
    path(
        "fire-resources/<int:resource_id>/members/",
        views.fire_resource_members,
        name="fire_resource_members",
    ),
    path(
        "fire-resources/<int:resource_id>/",
        views.fire_resource_detail,
        name="fire_resource_detail",
    ),
    path("ledger/", include(ledger_urlpatterns)),
]
