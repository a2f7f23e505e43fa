from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tessera.core"
    label = "core"
    verbose_name = "Organisation"
