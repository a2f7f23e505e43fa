from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "tessera.network"
    label = "network"
    verbose_name = "Network analysis"
