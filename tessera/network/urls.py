from django.urls import path

from tessera.network import views

app_name = "network"

urlpatterns = [
    path("<int:entity_id>/", views.network_page, name="network"),
]
