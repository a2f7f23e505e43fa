from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tessera.people"
    label = "people"
    verbose_name = "People, places and things"

    def ready(self) -> None:
        from tessera.access.emergency import register_emergency_target
        from tessera.access.policy import register
        from tessera.people import signals  # noqa: F401 - connects the match-key handlers
        from tessera.people.models import Link, Location, OnlineAccount, Person, Phone, Vehicle
        from tessera.people.rules import LinkRule, PersonRule, PlaceRule, ThingRule

        register(Person, PersonRule())
        register(Link, LinkRule())
        register(Location, PlaceRule())
        for thing in (Vehicle, Phone, OnlineAccount):
            register(thing, ThingRule())
        register_emergency_target("people:person_detail", Person)
