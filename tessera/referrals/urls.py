from django.urls import path

from tessera.referrals import views

app_name = "referrals"

urlpatterns = [
    path("new/", views.report_concern, name="report_concern"),
    path("partner/", views.partner_report, name="partner_report"),
    path("sent/", views.concern_sent, name="concern_sent"),
    path("add/", views.add_to_concern, name="add_to_concern"),
    path("add/sent/", views.addition_sent, name="addition_sent"),
    path("mine/", views.my_concerns, name="my_concerns"),
    path("triage/", views.triage_queue, name="triage_queue"),
    path("<int:pk>/", views.referral_detail, name="referral_detail"),
    path("<int:pk>/grade/", views.grade_referral, name="grade_referral"),
    path("<int:pk>/subjects/", views.resolve_subjects, name="resolve_subjects"),
]
