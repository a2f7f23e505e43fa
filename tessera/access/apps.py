from typing import Any

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "tessera.access"
    label = "access"
    verbose_name = "Access policy"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from tessera.access.models import RestrictedRecord
        from tessera.access.scope import restrictions_changed

        # Scopes kept by this process hold the restrictions they were read with (ADR 0023).
        def changed(**_: Any) -> None:
            restrictions_changed()

        post_save.connect(changed, sender=RestrictedRecord, weak=False, dispatch_uid="restriction_saved")
        post_delete.connect(changed, sender=RestrictedRecord, weak=False, dispatch_uid="restriction_deleted")
        m2m_changed.connect(
            changed, sender=RestrictedRecord.named_users.through, weak=False, dispatch_uid="restriction_named"
        )
