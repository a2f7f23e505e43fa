from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "tessera.linkage"
    label = "linkage"
    verbose_name = "Record linkage"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from tessera.access.policy import inherit_restriction, register
        from tessera.linkage import jobs  # noqa: F401 - registers the linkage run job handler
        from tessera.linkage.models import LinkageRun, ReviewPair
        from tessera.linkage.rules import LinkageRunRule, ReviewPairRule
        from tessera.linkage.signals import address_saved, identity_saved
        from tessera.people.models import IdentityAddress, Person, SourceIdentity

        register(ReviewPair, ReviewPairRule())
        register(LinkageRun, LinkageRunRule())
        # A pair shows both people's records side by side: hidden if either person is restricted.
        inherit_restriction(ReviewPair, Person, "left__person")
        inherit_restriction(ReviewPair, Person, "right__person")
        post_save.connect(identity_saved, sender=SourceIdentity, dispatch_uid="linkage_identity_keys")
        post_save.connect(address_saved, sender=IdentityAddress, dispatch_uid="linkage_address_keys")
