from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from tessera.api.people import PersonViewSet

app_name = "api"

router = SimpleRouter()
router.register("people", PersonViewSet, basename="person")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/schema/", login_not_required(SpectacularAPIView.as_view(api_version="1")), name="schema"),
]
