from django.apps import AppConfig


class InformationConfig(AppConfig):
    name = "tessera.information"
    label = "information"
    verbose_name = "Retention and subject access"

    def ready(self) -> None:
        from django.db.models import Q

        from tessera.access.policy import extend_visibility, register
        from tessera.access.scope import Scope
        from tessera.accounts.roles import Role
        from tessera.information.models import SubjectAccessRequest
        from tessera.information.rules import SubjectAccessRequestRule
        from tessera.people.models import Person

        def officer_sees_every_person(scope: Scope) -> Q:
            # A subject access request or a retention review can be about anyone: the data protection
            # officer reaches every person (restricted records still only by being named on them).
            # Q() would vanish when ORed with the rule's condition; this is "every row".
            return Q(pk__isnull=False) if scope.has(Role.DATA_PROTECTION_OFFICER) else Q(pk__in=[])

        extend_visibility(Person, officer_sees_every_person)
        register(SubjectAccessRequest, SubjectAccessRequestRule())
