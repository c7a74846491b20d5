from django.urls import path

from . import views

app_name = "grids"
urlpatterns = [
    path("", views.grid_map, name="map"),
    path("import/", views.grid_import, name="import"),
    path("<int:grid_id>/", views.grid_detail, name="detail"),
    path("<int:grid_id>/children/", views.tree_children, name="tree_children"),
    path("<int:grid_id>/edit/", views.grid_edit, name="edit"),
    path("<int:grid_id>/assignments/", views.grid_assign, name="assign"),
    path(
        "<int:grid_id>/assignments/<int:assignment_id>/end/",
        views.assignment_end,
        name="assignment_end",
    ),
    path("<int:grid_id>/board/", views.grid_board_page, name="board"),
    path("<int:grid_id>/board/photos/<int:person_id>/", views.grid_board_photo, name="board_photo"),
]
