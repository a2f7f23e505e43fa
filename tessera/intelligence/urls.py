from django.urls import path

from tessera.intelligence import profile_views, views

app_name = "intelligence"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/new/", views.new_report, name="new_report"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/grade/", views.grade_report, name="grade_report"),
    path("reports/<int:pk>/subjects/", views.add_subject, name="add_subject"),
    path("reports/<int:pk>/release/", views.release_report, name="release_report"),
    path("releases/<int:pk>/", views.release_detail, name="release_detail"),
    path("releases/<int:pk>/pdf/", views.release_pdf, name="release_pdf"),
    path("releases/<int:pk>/withdraw/", views.withdraw_release, name="withdraw_release"),
    path("crimes/", views.crimes, name="crimes"),
    path("crimes/new/", views.new_crime, name="new_crime"),
    path("crimes/<int:pk>/", views.crime_detail, name="crime_detail"),
    path("crimes/<int:pk>/change/", views.change_crime, name="change_crime"),
    path("crimes/<int:pk>/suspects/", views.add_crime_suspect, name="add_crime_suspect"),
    path("profiles/", profile_views.profile_list, name="profiles"),
    path("profiles/<int:pk>/", profile_views.profile_detail, name="profile_detail"),
    path("profiles/<int:pk>/refresh/", profile_views.profile_refresh, name="profile_refresh"),
    path(
        "profiles/<int:pk>/recommendations/",
        profile_views.profile_recommendations,
        name="profile_recommendations",
    ),
    path("profiles/<int:pk>/pdf/", profile_views.profile_pdf, name="profile_pdf"),
    path("profiles/<int:pk>/csv/", profile_views.profile_csv, name="profile_csv"),
    path("packages/new/", views.new_package, name="new_package"),
    path("packages/<int:pk>/", views.package_detail, name="package_detail"),
    path("packages/<int:pk>/release/", views.release_package, name="release_package"),
    path("packages/<int:pk>/pdf/", views.package_pdf, name="package_pdf"),
]
