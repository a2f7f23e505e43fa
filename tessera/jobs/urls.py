from django.urls import path

from tessera.jobs import views

app_name = "jobs"

urlpatterns = [path("<int:pk>/", views.job_progress, name="job_progress")]
