from django.urls import path

from tessera.information import views

app_name = "information"

urlpatterns = [
    path("", views.hub, name="hub"),
    path("people/<int:pk>/", views.person_rights, name="person"),
    path("people/<int:pk>/retention/", views.decide, name="decide"),
    path("people/<int:pk>/erase/", views.erase, name="erase"),
    path("people/<int:pk>/subject-access/", views.new_request, name="new_request"),
    path("requests/<int:pk>/pack.zip", views.download_pack, name="pack"),
]
