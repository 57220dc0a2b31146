"""The organisers' exports of an event, as CSV and XLSX: one registry, every app's datasets.

events sits below the apps whose data an organiser exports (pitches, workshops, matching), so it
defines what a dataset is and they register theirs in their `AppConfig.ready()` (as for the day,
events/day.py). The console's "Exports" page lists them in `order`; each downloads as CSV
(`core.spreadsheets`: formulas neutralised) or XLSX (text never run as a formula), and all of
them as one workbook. Times are in the event's zone. A dataset's `rows` costs a fixed number of
queries, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core import times


@dataclass(frozen=True)
class Dataset:
    name: str  # in the URL and the file name: ASCII, no spaces
    title: str | Promise
    header: Sequence[str | Promise]
    rows: Callable[[object], Iterable[Sequence]]  # (event) -> rows, values or aware datetimes
    order: int = 100


DATASETS: dict[str, Dataset] = {}


def register(dataset: Dataset) -> None:
    """Register (or replace) a dataset; called from AppConfig.ready()."""
    DATASETS[dataset.name] = dataset


def datasets() -> list[Dataset]:
    return sorted(DATASETS.values(), key=lambda dataset: (dataset.order, dataset.name))


def csv_value(value, zone):
    """A value as a CSV cell shows it: datetimes in the event's zone, booleans as yes/no."""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return times.local(value, zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if value is None:
        return ""
    return value


def xlsx_value(value):
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return value


# --- events' own datasets ------------------------------------------------------------------------


def _registrations(event):
    from .models import Registration

    for registration in (
        Registration.objects.filter(event=event)
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__first_name", "pk")
    ):
        user, organisation = registration.user, registration.organisation
        yield [
            user.last_name,
            user.first_name,
            user.email,
            organisation.name if organisation else "",
            organisation.siret if organisation else "",
            registration.get_role_display(),
            registration.get_status_display(),
            registration.needs_accessible_table,
            registration.created_at,
            registration.checked_in_at,
        ]


def _organisations(event):
    from accounts.models import Organisation

    organisations = (
        Organisation.objects.filter(registrations__event=event)
        .distinct()
        .prefetch_related("themes", "territories")
        .order_by("name", "pk")
    )
    for organisation in organisations:
        yield [
            organisation.name,
            organisation.siret,
            organisation.get_kind_display(),
            organisation.get_buyer_kind_display() if organisation.buyer_kind else "",
            organisation.get_legal_form_display() if organisation.legal_form else "",
            organisation.get_insertion_type_display() if organisation.insertion_type else "",
            organisation.get_disability_type_display() if organisation.disability_type else "",
            organisation.esus_agreed,
            organisation.get_size_display() if organisation.size else "",
            ", ".join(str(theme) for theme in organisation.themes.all()),
            ", ".join(str(territory) for territory in organisation.territories.all()),
            organisation.verified_at is not None,
        ]


REGISTRATIONS = Dataset(
    name="registrations",
    title=_("Registrations"),
    header=[
        _("Last name"),
        _("First name"),
        _("Email"),
        _("Organisation"),
        _("SIRET"),
        _("Role"),
        _("Status"),
        _("Needs an accessible table"),
        _("Registered at"),
        _("Checked in at"),
    ],
    rows=_registrations,
    order=10,
)

ORGANISATIONS = Dataset(
    name="organisations",
    title=_("Organisations"),
    header=[
        _("Name"),
        _("SIRET"),
        _("Kind"),
        _("Type of buyer"),
        _("Legal form"),
        _("Insertion type"),
        _("Disability type"),
        _("ESUS agreement"),
        _("Size"),
        _("Themes"),
        _("Territories"),
        _("Verified"),
    ],
    rows=_organisations,
    order=20,
)
