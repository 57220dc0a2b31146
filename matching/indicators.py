"""A buyer's responsible-purchasing indicators (what a SPASER, the public buyers' scheme for
socially and ecologically responsible purchasing, reports on), for each event the buyer took
part in and in all: the ESS structures met in meetings held, by legal form, insertion and
disability type and theme; the follow-ups; the consultations launched with a social clause or a
reserved lot; the contracts awarded to ESS structures and their amount.

"Held" is the statistics' rule (`statistics.meetings`); the follow-ups are the pairs' records
(matching.models.FollowUp). A few queries per event: a buyer takes part in a handful.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.enums import LegalForm
from accounts.models import Organisation
from events.enums import RegistrationRole
from events.models import Event

from .models import FollowUp
from .statistics import meetings


@dataclass
class Indicators:
    event: Event | None  # None: every event together
    structures: set = field(default_factory=set)  # organisation ids met in meetings held
    meetings_held: int = 0
    by_legal_form: Counter = field(default_factory=Counter)
    by_insertion: Counter = field(default_factory=Counter)
    by_disability: Counter = field(default_factory=Counter)
    esus: int = 0
    by_theme: Counter = field(default_factory=Counter)
    follow_ups: int = 0
    consultations: int = 0
    with_social_clause: int = 0
    with_reserved_lot: int = 0
    awarded: int = 0
    amount: Decimal = Decimal(0)

    def add(self, other: Indicators) -> None:
        for name in (
            "meetings_held",
            "follow_ups",
            "consultations",
            "with_social_clause",
            "with_reserved_lot",
            "awarded",
            "amount",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.structures |= other.structures  # the types: counted once per structure, after

    def figures(self) -> list[tuple[str, object]]:
        """The headline figures, labelled, in reading order."""
        return [
            (_("ESS structures met"), len(self.structures)),
            (_("Meetings held"), self.meetings_held),
            (_("ESUS-agreed structures met"), self.esus),
            (_("Follow-ups planned"), self.follow_ups),
            (_("Consultations launched"), self.consultations),
            (_("… with a social clause"), self.with_social_clause),
            (_("… with a reserved lot"), self.with_reserved_lot),
            (_("Contracts awarded to ESS structures"), self.awarded),
            (_("Amount awarded (€ excl. tax)"), self.amount),
        ]

    def breakdowns(self) -> list[tuple[str, list[tuple[str, int]]]]:
        """The structures met, by legal form, insertion type, disability type and theme."""
        return [
            (_("By legal form"), sorted(self.by_legal_form.items())),
            (_("By insertion type (SIAE)"), sorted(self.by_insertion.items())),
            (_("By disability type (EA, ESAT)"), sorted(self.by_disability.items())),
            (_("By theme"), sorted(self.by_theme.items())),
        ]


def buyer_events(organisation: Organisation):
    """The events the organisation took part in as a buyer, latest first."""
    return (
        Event.objects.filter(
            registrations__organisation=organisation, registrations__role=RegistrationRole.BUYER
        )
        .distinct()
        .order_by("-start_date", "-pk")
    )


def for_buyer(organisation: Organisation) -> tuple[list[Indicators], Indicators]:
    """Each event's indicators for `organisation`, latest first, and all of them together."""
    per_event = [_for_event(organisation, event) for event in buyer_events(organisation)]
    total = Indicators(event=None)
    for indicators in per_event:
        total.add(indicators)
    _describe(total)  # structures met at several events count once in the total
    return per_event, total


def _for_event(organisation: Organisation, event: Event) -> Indicators:
    found = Indicators(event=event)
    for pair in meetings(event).pairs:
        sides = (pair.request.sender, pair.request.recipient)
        if not pair.held or not any(
            side.organisation_id == organisation.pk and side.role == RegistrationRole.BUYER
            for side in sides
        ):
            continue
        found.meetings_held += 1
        found.structures |= {
            side.organisation_id
            for side in sides
            if side.role == RegistrationRole.ESS and side.organisation_id
        }
    _describe(found)
    mine = Q(
        request__sender__organisation=organisation, request__sender__role=RegistrationRole.BUYER
    ) | Q(
        request__recipient__organisation=organisation,
        request__recipient__role=RegistrationRole.BUYER,
    )
    for follow_up in FollowUp.objects.filter(mine, request__event=event):
        found.follow_ups += 1
        if follow_up.consultation_launched_on:
            found.consultations += 1
            found.with_social_clause += follow_up.social_clause
            found.with_reserved_lot += follow_up.reserved_lot
        if follow_up.awarded:
            found.awarded += 1
            found.amount += follow_up.amount or 0
    return found


def _describe(found: Indicators) -> None:
    """Count the structures met (`found.structures`) by legal form, insertion and disability
    type, theme and ESUS agreement. Two queries."""
    legal = dict(LegalForm.choices)
    found.by_legal_form, found.by_insertion = Counter(), Counter()
    found.by_disability, found.by_theme = Counter(), Counter()
    found.esus = 0
    for structure in Organisation.objects.filter(pk__in=found.structures).prefetch_related(
        "themes"
    ):
        found.by_legal_form[str(legal.get(structure.legal_form, _("Not given")))] += 1
        if structure.insertion_type:
            found.by_insertion[structure.get_insertion_type_display()] += 1
        if structure.disability_type:
            found.by_disability[structure.get_disability_type_display()] += 1
        for theme in structure.themes.all():
            found.by_theme[str(theme)] += 1
        found.esus += structure.esus_agreed
