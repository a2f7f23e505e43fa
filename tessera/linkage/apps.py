from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "tessera.linkage"
    label = "linkage"
    verbose_name = "Record linkage"

    def ready(self) -> None:
        from tessera.access.policy import inherit_restriction, register
        from tessera.linkage import jobs  # noqa: F401 - registers the linkage run job handler
        from tessera.linkage.arrival import match_chunk_on_arrival, match_on_arrival
        from tessera.linkage.match_keys import blocking_keys
        from tessera.linkage.models import LinkageRun, ReviewPair
        from tessera.linkage.rules import LinkageRunRule, ReviewPairRule
        from tessera.people.arrival import register_arrival_matcher
        from tessera.people.match_index import register_key_source
        from tessera.people.models import Person

        register(ReviewPair, ReviewPairRule())
        register(LinkageRun, LinkageRunRule())
        # A pair shows both people's records side by side: hidden if either person is restricted.
        inherit_restriction(ReviewPair, Person, "left__person")
        inherit_restriction(ReviewPair, Person, "right__person")
        # Search before create finds candidates by the model's blocking keys, in the people app's index.
        register_key_source(blocking_keys)
        # Every new or changed source identity is matched at once (people.arrival.identity_arrived).
        register_arrival_matcher(match_on_arrival, match_chunk_on_arrival)
