from django.urls import path

from tessera.risk.views import assessments, instrument, oversight

app_name = "risk"

urlpatterns = [
    path("children/<int:pk>/", assessments.child_risk, name="child_risk"),
    path("children/<int:pk>/assess/", assessments.assessment_start, name="assessment_start"),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/indicators/add/", assessments.observation_add, name="observation_add"),
    path(
        "assessments/<int:pk>/indicators/<int:observation_pk>/remove/",
        assessments.observation_withdraw,
        name="observation_withdraw",
    ),
    path(
        "assessments/<int:pk>/facts/confirm/",
        assessments.fact_decide,
        {"decision": "confirm"},
        name="fact_confirm",
    ),
    path(
        "assessments/<int:pk>/facts/reject/",
        assessments.fact_decide,
        {"decision": "reject"},
        name="fact_reject",
    ),
    path("assessments/<int:pk>/complete/", assessments.assessment_complete, name="assessment_complete"),
    path("assessments/<int:pk>/sign-off/", assessments.assessment_sign_off, name="assessment_sign_off"),
    path("cases/<int:pk>/", assessments.case_risk, name="case_risk"),
    path("reassessments/", assessments.reassessments, name="reassessments"),
    path("instrument/", instrument.version_list, name="version_list"),
    path("instrument/draft/", instrument.version_draft, name="version_draft"),
    path("instrument/<int:number>/", instrument.version_detail, name="version_detail"),
    path("instrument/<int:number>/decide/", instrument.version_decide, name="version_decide"),
    path("instrument/<int:number>/shadow/", instrument.version_shadow, name="version_shadow"),
    path("overrides/", oversight.overrides, name="overrides"),
    path("calibration/", oversight.calibration, name="calibration"),
    path("calibration/start/", oversight.calibration_start, name="calibration_start"),
    path("calibration/<int:pk>/", oversight.calibration_detail, name="calibration_detail"),
    path("calibration/<int:pk>/propose/", oversight.calibration_propose, name="calibration_propose"),
]
