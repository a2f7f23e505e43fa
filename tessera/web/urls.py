from django.urls import path

from tessera.web import views
from tessera.web.health import health

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", health, name="health"),
    path("risk/", views.section_hub, {"section": "risk"}, name="risk_hub"),
    path("records/", views.section_hub, {"section": "records"}, name="records_hub"),
    path("oversight/", views.section_hub, {"section": "oversight"}, name="oversight_hub"),
]
