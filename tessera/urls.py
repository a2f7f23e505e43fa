from django.urls import include, path

urlpatterns = [
    path("", include("tessera.web.urls")),
    path("", include("tessera.accounts.urls")),
    path("access/", include("tessera.access.urls")),
    path("people/", include("tessera.people.urls")),
    path("referrals/", include("tessera.referrals.urls")),
    path("cases/", include("tessera.cases.urls")),
    path("intelligence/", include("tessera.intelligence.urls")),
    path("jobs/", include("tessera.jobs.urls")),
    path("risk/", include("tessera.risk.urls")),
    path("missing/", include("tessera.missing.urls")),
    path("imports/", include("tessera.imports.urls")),
    path("linkage/", include("tessera.linkage.urls")),
    path("administration/", include("tessera.administration.urls")),
    path("information-rights/", include("tessera.information.urls")),
    path("network/", include("tessera.network.urls")),
    path("network-alerts/", include("tessera.earlywarning.urls")),
    path("api/", include("tessera.api.urls")),
]

handler404 = "tessera.web.views.not_found"
handler403 = "tessera.web.views.forbidden"
handler500 = "tessera.web.views.server_error"
