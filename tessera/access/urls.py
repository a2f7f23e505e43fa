from django.urls import path

from tessera.access import views

app_name = "access"

urlpatterns = [
    path("emergency-access/", views.emergency_access, name="emergency_access"),
    path("emergency-access/review/", views.review_list, name="review_list"),
    path("emergency-access/review/<int:pk>/", views.review_grant, name="review_grant"),
    path("emergency-access/review/refused/<int:user_id>/", views.refused_requests, name="refused_requests"),
    path("records/<str:target_type>/<int:pk>/viewers/", views.record_viewers, name="record_viewers"),
    path("records/<str:target_type>/<int:pk>/restrict/", views.restrict, name="restrict"),
    path(
        "records/<str:target_type>/<int:pk>/restrict/lift/", views.lift_restriction, name="lift_restriction"
    ),
]
