from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "tessera.administration"
    label = "administration"
    verbose_name = "Administration"
