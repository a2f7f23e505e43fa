from django.apps import AppConfig


class UiConfig(AppConfig):
    """The UI kit: GOV.UK page layout, form rendering, error summary, template tags and widgets.

    The bottom layer: it imports no other Tessera app, so every app may use it.
    """

    name = "tessera.ui"
    label = "ui"
    verbose_name = "UI kit"
