from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tessera.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from tessera.access.emergency import register_emergency_target
        from tessera.access.policy import extend_visibility, inherit_restriction, register
        from tessera.cases.chronology import register_case_sources
        from tessera.cases.models import Case
        from tessera.cases.person_page import open_case_and_steps
        from tessera.cases.registry import CaseTab, register_case_tab
        from tessera.cases.rules import CaseRule, child_of_my_cases
        from tessera.people.models import Person
        from tessera.people.person_page import register_person_page_source

        register(Case, CaseRule())
        extend_visibility(Person, child_of_my_cases)
        inherit_restriction(Case, Person, "child")
        register_case_sources()
        register_person_page_source(open_case_and_steps)
        for url_name in (
            "cases:case_detail",
            "cases:chronology",
            "cases:people",
            "cases:actions",
            "cases:meetings",
            "cases:support",
            "cases:sharing_log",
        ):
            register_emergency_target(url_name, Case)
        for tab in (
            CaseTab("summary", "Summary", "cases:case_detail", 10),
            CaseTab("chronology", "Chronology", "cases:chronology", 20),
            CaseTab("people", "People and links", "cases:people", 40),
            CaseTab("actions", "Actions", "cases:actions", 50),
            CaseTab("meetings", "Meetings", "cases:meetings", 60),
            CaseTab("support", "Support", "cases:support", 70),
            CaseTab("sharing", "Sharing log", "cases:sharing_log", 80),
        ):
            register_case_tab(tab)
