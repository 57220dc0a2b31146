"""The public directory of ESS structures: search by text, theme, type and territory."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedForm

from .enums import DisabilityType, InsertionType, LegalForm
from .forms import territory_choices
from .models import Organisation, Territory, Theme


def related_territory_codes(code: str) -> set[str]:
    """The territory, the ones it lies in and the ones inside it: a structure serving the Nord
    serves Lille, and one serving Lille is relevant to someone looking in the Nord. One query."""
    parents = dict(Territory.objects.values_list("code", "parent_id"))
    if code not in parents:
        return set()
    related = {code}
    parent = parents[code]
    while parent:
        related.add(parent)
        parent = parents.get(parent)
    frontier = {code}
    while frontier:
        frontier = {child for child, par in parents.items() if par in frontier} - related
        related |= frontier
    return related


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, activity…")}),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), field_name="themes", queryset=Theme.objects.all(), empty_label=_("All")
    )
    legal_form = django_filters.ChoiceFilter(
        label=_("Legal form"), choices=LegalForm.choices, empty_label=_("All")
    )
    insertion_type = django_filters.ChoiceFilter(
        label=_("Insertion (SIAE)"),
        choices=[c for c in InsertionType.choices if c[0]],
        empty_label=_("All"),
    )
    disability_type = django_filters.ChoiceFilter(
        label=_("Disability (EA, ESAT)"),
        choices=[c for c in DisabilityType.choices if c[0]],
        empty_label=_("All"),
    )
    territory = django_filters.ChoiceFilter(
        label=_("Territory"), method="in_territory", empty_label=_("Anywhere")
    )

    class Meta:
        model = Organisation
        fields: list[str] = []
        form = BoundedForm  # a 20-digit theme id is an invalid choice, not a 500

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["territory"].extra["choices"] = territory_choices()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def in_territory(self, queryset, name, value):
        return queryset.filter(territories__in=related_territory_codes(value)).distinct()
