from django.urls import path

from tessera.cases import record_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("actions/", views.action_lists, name="action_lists"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/chronology/", views.chronology, name="chronology"),
    path("<int:pk>/chronology.pdf", views.chronology_pdf, name="chronology_pdf"),
    path("<int:pk>/people/", views.people, name="people"),
    path("<int:pk>/people/add/", record_views.add_member, name="add_member"),
    path("<int:pk>/actions/", views.actions, name="actions"),
    path("<int:pk>/actions/new/", record_views.add_action, name="add_action"),
    path("<int:pk>/actions/<int:action_pk>/", record_views.update_action, name="update_action"),
    path("<int:pk>/meetings/", views.meetings, name="meetings"),
    path(
        "<int:pk>/meetings/strategy-discussion/",
        record_views.record_strategy_discussion,
        name="add_strategy_discussion",
    ),
    path("<int:pk>/meetings/conference/", record_views.record_conference, name="add_conference"),
    path("<int:pk>/support/", views.support, name="support"),
    path("<int:pk>/support/new/", record_views.record_support, name="add_support"),
    path("<int:pk>/sharing-log/", views.sharing_log, name="sharing_log"),
    path("<int:pk>/details/", record_views.change_details, name="change_details"),
    path("<int:pk>/assessment/", record_views.record_assessment, name="record_assessment"),
    path("<int:pk>/investigation/", record_views.move_to_investigation, name="move_to_investigation"),
    path("<int:pk>/close/", record_views.close_case, name="close_case"),
]
