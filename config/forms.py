from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form of the project renders through templates/forms/: labels, help and errors tied
    to their field (aria-describedby), so `{{ form }}` is accessible as it stands."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
