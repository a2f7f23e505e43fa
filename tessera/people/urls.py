from django.urls import path

from tessera.people import views

app_name = "people"

urlpatterns = [
    path("search/", views.person_search, name="person_search"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("places/<int:pk>/", views.place_detail, name="place_detail"),
    path("vehicles/<int:pk>/", views.vehicle_detail, name="vehicle_detail"),
    path("phones/<int:pk>/", views.phone_detail, name="phone_detail"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
]
