from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "tessera.imports"
    label = "imports"
    verbose_name = "Partner-system imports"

    def ready(self) -> None:
        from tessera.access.policy import register
        from tessera.imports import jobs  # noqa: F401 - registers the import job handler
        from tessera.imports.models import ImportBatch, QuarantinedRow
        from tessera.imports.rules import ImportBatchRule, QuarantinedRowRule

        register(ImportBatch, ImportBatchRule())
        register(QuarantinedRow, QuarantinedRowRule())
