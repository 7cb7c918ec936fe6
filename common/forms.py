from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form field rendered with its label, help text and German error beneath it."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"
