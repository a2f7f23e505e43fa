from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "tessera.network"
    label = "network"
    verbose_name = "Network analysis"

    def ready(self) -> None:
        from tessera.network.force_job import register_job

        register_job()
