from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "tessera.access"
    label = "access"
    verbose_name = "Access policy"
