from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tessera.api"
    label = "api"
    verbose_name = "API"
