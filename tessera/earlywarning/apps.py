from django.apps import AppConfig


class EarlyWarningConfig(AppConfig):
    name = "tessera.earlywarning"
    label = "earlywarning"
    verbose_name = "Network early warning"

    def ready(self) -> None:
        from tessera.access.policy import inherit_restriction, register
        from tessera.earlywarning import case_links
        from tessera.earlywarning.models import NetworkAlert
        from tessera.earlywarning.rules import NetworkAlertRule
        from tessera.earlywarning.services import connect
        from tessera.people.models import Person

        register(NetworkAlert, NetworkAlertRule())
        inherit_restriction(NetworkAlert, Person, "child")
        connect()
        case_links.connect()
