from django.urls import path

from tessera.missing import views

app_name = "missing"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("children/<int:pk>/", views.child_missing, name="child"),
    path("children/<int:pk>/profile/", views.profile_edit, name="profile_edit"),
    path("children/<int:pk>/report/", views.report_missing, name="report_missing"),
    path("children/<int:pk>/monitoring/end/", views.close_monitoring, name="close_monitoring"),
    path("episodes/<int:pk>/", views.episode_detail, name="episode_detail"),
    path("episodes/<int:pk>/grade/", views.episode_regrade, name="episode_regrade"),
    path("episodes/<int:pk>/found/", views.episode_found, name="episode_found"),
    path("episodes/<int:pk>/safe-and-well/", views.safe_and_well, name="safe_and_well"),
    path("episodes/<int:pk>/return-interview/", views.return_interview, name="return_interview"),
    path("cases/<int:pk>/", views.case_missing, name="case_missing"),
]
