from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "tessera.missing"
    label = "missing"
    verbose_name = "Missing children"

    def ready(self) -> None:
        from tessera.access.policy import extend_visibility, inherit_restriction, register
        from tessera.intelligence.sources import register_source_page
        from tessera.missing import case_links
        from tessera.missing.models import (
            CarerProfile,
            Disclosure,
            MissingEpisode,
            Monitoring,
            PatternAlert,
            ReturnInterview,
        )
        from tessera.missing.rules import AlertRule, DistrictMissingRule, case_team_children
        from tessera.missing.selectors import disclosure_pages
        from tessera.people.models import Person

        for model in (MissingEpisode, CarerProfile, Monitoring):
            register(model, DistrictMissingRule())
            extend_visibility(model, case_team_children())
            inherit_restriction(model, Person, "child")
        register(ReturnInterview, DistrictMissingRule("episode__"))
        extend_visibility(ReturnInterview, case_team_children("episode__"))
        inherit_restriction(ReturnInterview, Person, "episode__child")
        register(Disclosure, DistrictMissingRule("interview__episode__"))
        extend_visibility(Disclosure, case_team_children("interview__episode__"))
        inherit_restriction(Disclosure, Person, "interview__episode__child")
        register(PatternAlert, AlertRule())
        inherit_restriction(PatternAlert, Person, "child")
        case_links.connect()
        register_source_page("missing.disclosure", "Return interview", disclosure_pages)
