"""The catalogue's filters (django-filter). Territory is a search aid for outreach, nothing more."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Territory, Theme
from core.forms import BoundedForm

from .enums import Route
from .rules import eligible_routes


class PitchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Words in the need")}),
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.all(), label=_("Theme"), empty_label=_("All themes")
    )
    route = django_filters.ChoiceFilter(
        choices=Route.choices, label=_("Procurement route"), empty_label=_("All routes")
    )
    territory = django_filters.ModelChoiceFilter(
        field_name="territories",
        queryset=Territory.objects.none(),
        label=_("Area of the need"),
        empty_label=_("All areas"),
        distinct=True,
    )
    eligible = django_filters.BooleanFilter(
        method="filter_eligible",
        label=_("Only pitches my structure is eligible for"),
        widget=forms.CheckboxInput,
    )

    class Meta:
        form = BoundedForm  # a 20-digit theme or area id is an invalid choice, not a 500

    def __init__(self, data=None, queryset=None, *, request=None, event=None, organisations=()):
        super().__init__(data, queryset, request=request)
        self.organisations = list(organisations)
        self.filters["territory"].queryset = (
            Territory.objects.filter(pitch__event=event, pitch__status="published")
            .distinct()
            .order_by("name")
            if event is not None
            else Territory.objects.none()
        )
        if not self.organisations:
            del self.filters["eligible"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(summary__icontains=value)
            | Q(description__icontains=value)
            | Q(buyer__name__icontains=value)
        )

    def filter_eligible(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(route__in=eligible_routes(self.organisations))
