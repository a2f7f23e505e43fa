from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    """Renders every form field as a GOV.UK form group (label, hint, error message, widget)."""

    form_template_name = "ui/forms/form.html"
    field_template_name = "ui/forms/field.html"
