from django.urls import path

from tessera.people import views

app_name = "people"

urlpatterns = [
    path("search/", views.person_search, name="person_search"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
]
