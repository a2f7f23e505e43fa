from django.urls import path

from tessera.earlywarning import views

app_name = "earlywarning"

urlpatterns = [
    path("", views.alert_list, name="alerts"),
    path("<int:pk>/", views.alert_detail, name="alert"),
]
