from django.urls import path

from tessera.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("new/", views.batch_upload, name="batch_upload"),
    path("columns/<slug:code>.csv", views.column_specification, name="column_specification"),
    path("<int:pk>/", views.batch_detail, name="batch_detail"),
    path("<int:pk>/columns/", views.batch_columns, name="batch_columns"),
    path("<int:pk>/rows/<int:row_pk>/", views.row_correct, name="row_correct"),
    path("<int:pk>/rows/<int:row_pk>/set-aside/", views.row_set_aside, name="row_set_aside"),
]
