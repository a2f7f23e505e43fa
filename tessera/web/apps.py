from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tessera.web"
    label = "web"
    verbose_name = "Web"
