"""What every app's forms share.

- Ids and numbers are bounded in every form (`BoundedNumbersMixin`): a 20-digit id posted in place
  of a lot, a theme or a slot is "not one of the choices", and a huge number is "too large", in
  the person's language, never a database overflow (a 500 on SQLite, the embedded default).
- Formsets name the duplicated fields by their labels (`LabelledUniqueFormSetMixin`), not by
  their code names ("Please correct the duplicate data for number").
"""

from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.forms import BaseInlineFormSet
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The widest integer column we use (BigAutoField ids, BigIntegerField): values outside cannot be
# stored nor looked up (SQLite raises OverflowError), so they are refused as bad input first.
ID_MIN, ID_MAX = -(2**63), 2**63 - 1
# Plain form IntegerFields without their own bounds end up in IntegerField columns.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def fits_id(value) -> bool:
    """False only for an integer-looking value outside what the database can hold."""
    text = str(value).strip()
    try:
        number = int(text)
    except ValueError:
        return True  # not a number at all: the field's own checks refuse it
    return ID_MIN <= number <= ID_MAX


class BoundedChoiceMixin:
    """For ModelChoiceField and ModelMultipleChoiceField (and their subclasses): out-of-range
    ids are invalid choices, before any query."""

    def _integer_keys(self) -> bool:
        """The choices are looked up by an integer column (the pk, unless `to_field_name`
        names another column, such as a theme's code)."""
        meta = self.queryset.model._meta
        key = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        return isinstance(key, models.IntegerField)

    def to_python(self, value):
        single = value not in self.empty_values and not isinstance(value, list | tuple)
        if single and self._integer_keys() and not fits_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def _check_values(self, value):
        for item in value:
            if self._integer_keys() and not fits_id(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


@cache
def _bounded(field_class: type) -> type:
    return type(f"Bounded{field_class.__name__}", (BoundedChoiceMixin, field_class), {})


def bound_numbers(fields) -> None:
    """Bound every id and integer field of a form's `fields` (see the module's docstring)."""
    for field in fields.values():
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, BoundedChoiceMixin):
            field.__class__ = _bounded(type(field))
        elif isinstance(field, forms.IntegerField):
            if field.max_value is None:
                field.max_value = INT_MAX
                field.validators.append(MaxValueValidator(INT_MAX))
                field.widget.attrs.setdefault("max", INT_MAX)
            if field.min_value is None:
                field.min_value = INT_MIN
                field.validators.append(MinValueValidator(INT_MIN))


class BoundedNumbersMixin:
    """Put first in a Form or ModelForm's bases: ids and integers are bounded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_numbers(self.fields)

    def full_clean(self):
        bound_numbers(self.fields)  # again: fields added by a subclass after __init__
        super().full_clean()


class BoundedForm(BoundedNumbersMixin, forms.Form):
    """The form of a django-filter FilterSet (Meta.form), so that its id filters are bounded."""


class LabelledUniqueFormSetMixin:
    """A formset's "duplicate" error names the fields by their labels, in the person's language
    (Django's names them by their code names, e.g. "number")."""

    def _label(self, name: str) -> str:
        field = self.form.base_fields.get(name)
        return str(field.label) if field is not None and field.label else name

    def get_unique_error_message(self, unique_check):
        fk = getattr(self, "fk", None)
        names = [name for name in unique_check if fk is None or name != fk.name]
        labels = [_("“%(label)s”") % {"label": self._label(name)} for name in names]
        return ngettext(
            "Two rows have the same %(fields)s: each row needs its own.",
            "Two rows have the same %(fields)s: each row needs its own combination.",
            len(labels),
        ) % {"fields": get_text_list(labels, _("and"))}


class LabelledInlineFormSet(LabelledUniqueFormSetMixin, BaseInlineFormSet):
    """`inlineformset_factory(..., formset=LabelledInlineFormSet)`."""
