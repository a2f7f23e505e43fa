from django.urls import path

from tessera.administration import views

app_name = "administration"

urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path(
        "users/<int:pk>/reset-authenticator/", views.user_reset_second_factor, name="user_reset_second_factor"
    ),
    path("users/<int:pk>/send-password-link/", views.user_send_password_link, name="user_send_password_link"),
    path("access-requests/", views.access_requests, name="access_requests"),
    path("organisation/", views.organisation, name="organisation"),
    path("audit/", views.audit, name="audit"),
]
