from django.urls import path

from tessera.referrals import views

app_name = "referrals"

urlpatterns = [
    path("new/", views.report_concern, name="report_concern"),
    path("partner/", views.partner_report, name="partner_report"),
    path("sent/", views.concern_sent, name="concern_sent"),
    path("mine/", views.my_concerns, name="my_concerns"),
    path("triage/", views.triage_queue, name="triage_queue"),
    path("<int:pk>/", views.referral_detail, name="referral_detail"),
]
