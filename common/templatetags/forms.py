"""The error summary at the top of a form (the GOV.UK pattern): every error once, each linking
to its field, and focus moved to the summary when the page loads (`autofocus`, no script)."""

from django import forms, template

register = template.Library()


def field_target(field: forms.BoundField) -> str:
    """The id to link to: the input itself, or the first box of a group of boxes."""
    return field.id_for_label or f"{field.auto_id}_0"


def form_errors(form: forms.BaseForm) -> list[tuple[str, str]]:
    errors = [("", str(error)) for error in form.non_field_errors()]
    for field in form.visible_fields():
        # A single box's label is a sentence of its own: its message says enough.
        named = field.widget_type != "checkbox"
        errors += [
            (field_target(field), f"{field.label}: {error}" if named else str(error))
            for error in field.errors
        ]
    for field in form.hidden_fields():
        errors += [("", str(error)) for error in field.errors]
    return errors


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_or_formsets):
    """{% error_summary form formset %}: nothing when all is well."""
    errors = []
    for item in forms_or_formsets:
        if item is None or not item.is_bound:
            continue
        if isinstance(item, forms.BaseFormSet):
            errors += [("", str(error)) for error in item.non_form_errors()]
            for form in item.forms:
                errors += form_errors(form)
        else:
            errors += form_errors(item)
    return {"errors": errors}
