from django.urls import path

from tessera.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.verify_code, name="verify_code"),
    path("sign-in/set-up-code/", views.set_up_code, name="set_up_code"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("sign-out/everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("account/", views.account, name="account"),
    path("account/set-password/<str:uidb64>/<str:token>/", views.set_password, name="set_password"),
    path("access-requests/", views.access_requests, name="access_requests"),
    path("access-requests/<int:pk>/", views.access_request, name="access_request"),
]
