"""After the day: one follow-up per pair that planned one, traced to the consultation and the
award (DESIGN.md "After the day").

One rule for when a follow-up exists: once either side's outcome of the meeting plans a
follow-up (enums.FOLLOW_UP_OUTCOMES, rules.follow_up_planned). `sync_follow_up` applies it, called
by `outcomes.record_outcome` in its transaction: the row is created when the first such outcome
is recorded (with its two checks in the outbox, 3 and 6 months after the day), and removed again
if no outcome plans one any more and nobody has updated it yet. The members of both
organisations update it (`update_follow_up`); each update is kept (FollowUpUpdate) and, when the
meeting was about a pitch, written in the pitch's sourcing log (pitches.services.log)."""

import decimal
import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from core import times
from core.locking import lock, locked_transaction
from matching import emails
from matching.models import FollowUp, FollowUpUpdate, MeetingRequest
from matching.rules import follow_up_organisation, follow_up_planned
from pitches.enums import LogKind
from pitches.services import log

logger = logging.getLogger(__name__)

# What both sides update, in the order of the page.
FIELDS = (
    "quote_sent_on",
    "consultation_launched_on",
    "consultation_url",
    "social_clause",
    "reserved_lot",
    "small_lots",
    "answered_on",
    "awarded",
    "amount",
)


def _pair(request: MeetingRequest) -> dict:
    return {
        "sender": request.sender.organisation or request.sender.user,
        "recipient": request.recipient.organisation or request.recipient.user,
    }


def sync_follow_up(*, request: MeetingRequest, by: User | None = None) -> FollowUp | None:
    """Make the pair's follow-up agree with its outcomes (call inside the caller's transaction,
    the request locked; needs its sides with organisations and users).

    Side effects, in order: read the outcomes; when one plans a follow-up and there is none,
    write it, queue the two checks (emails.enqueue_follow_up_checks) and, when the meeting was
    about a pitch, a line in its sourcing log; when none plans one any more, remove a follow-up
    nobody has updated (its queued checks are withheld at send time). Returns the follow-up, or
    None."""
    current = FollowUp.objects.filter(request=request).first()
    if follow_up_planned(request.outcomes.all()):
        if current is not None:
            return current
        follow_up = FollowUp.objects.create(request=request)
        emails.enqueue_follow_up_checks(follow_up)
        if request.pitch_id is not None:
            log(
                pitch=request.pitch,
                kind=LogKind.FOLLOW_UP,
                actor=by,
                organisation=request.sender.organisation,
                summary=_("Follow-up planned between %(sender)s and %(recipient)s.")
                % _pair(request),
            )
        logger.info("meeting request %s: follow-up %s planned", request.pk, follow_up.pk)
        return follow_up
    if current is not None and not current.updates.exists():
        current.delete()
        logger.info("meeting request %s: follow-up no longer planned, removed", request.pk)
        return None
    return current


def clean_facts(data: dict) -> dict:
    """The facts of a follow-up as a form gives them, checked together: the link and the
    clauses go with a launched consultation, the amount with an award."""
    facts = {name: data.get(name) for name in FIELDS}
    facts["consultation_url"] = (facts["consultation_url"] or "").strip()
    for name in ("social_clause", "reserved_lot", "small_lots"):
        facts[name] = bool(facts[name])
    errors = {}
    if facts["consultation_launched_on"] is None and (
        facts["consultation_url"]
        or facts["social_clause"]
        or facts["reserved_lot"]
        or facts["small_lots"]
    ):
        errors["consultation_launched_on"] = _(
            "Give the date the consultation was launched, or leave its details empty."
        )
    if facts["consultation_launched_on"] is not None and not facts["consultation_url"]:
        errors["consultation_url"] = _("Give the link of the consultation.")
    amount = facts["amount"]
    if amount is not None:
        if facts["awarded"] is not True:
            errors["amount"] = _("An amount goes with a contract awarded to the structure.")
        elif amount < 0:
            errors["amount"] = _("The amount cannot be negative.")
        else:
            facts["amount"] = decimal.Decimal(amount).quantize(decimal.Decimal("0.01"))
    if errors:
        raise ValidationError(errors)
    return facts


def _plain(value):
    """A fact as JSON keeps it (dates as ISO, amounts as text)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def describe(follow_up: FollowUp) -> str:
    """The facts of a follow-up in one sentence in the active language (the sourcing log's
    line): what was done, with dates in the event's format."""
    parts = []
    if follow_up.quote_sent_on:
        parts.append(_("quote sent on %(date)s") % {"date": times.day(follow_up.quote_sent_on)})
    if follow_up.consultation_launched_on:
        clauses = [
            label
            for flag, label in (
                (follow_up.social_clause, _("social clause")),
                (follow_up.reserved_lot, _("reserved lot")),
                (follow_up.small_lots, _("lots open to small structures")),
            )
            if flag
        ]
        text = _("consultation launched on %(date)s (%(url)s)") % {
            "date": times.day(follow_up.consultation_launched_on),
            "url": follow_up.consultation_url,
        }
        if clauses:
            text += _(", with: %(clauses)s") % {"clauses": ", ".join(str(c) for c in clauses)}
        parts.append(text)
    if follow_up.answered_on:
        parts.append(
            _("the structure answered on %(date)s") % {"date": times.day(follow_up.answered_on)}
        )
    if follow_up.awarded is True:
        if follow_up.amount is not None:
            parts.append(_("awarded (%(amount)s € excl. VAT)") % {"amount": follow_up.amount})
        else:
            parts.append(_("awarded"))
    elif follow_up.awarded is False:
        parts.append(_("not awarded"))
    return "; ".join(str(p) for p in parts) if parts else _("nothing yet")


def update_follow_up(*, follow_up: FollowUp, by: User, data: dict) -> FollowUp:
    """A member of either organisation updates the follow-up's facts (`data`: FIELDS).

    Side effects, in order: check the facts together (clean_facts); lock the follow-up; check
    `by` belongs to a side (rules.follow_up_organisation); stop if nothing changed; write the
    facts; keep the update (FollowUpUpdate: who, for which organisation, the changed facts); when
    the meeting was about a pitch, a line in its sourcing log; log."""
    facts = clean_facts(data)
    with locked_transaction():
        locked = (
            lock(FollowUp.objects)
            .select_related(
                "request__event",
                "request__pitch",
                "request__sender__organisation",
                "request__sender__user",
                "request__recipient__organisation",
                "request__recipient__user",
            )
            .get(pk=follow_up.pk)
        )
        organisation = follow_up_organisation(by, locked)
        if organisation is None:
            raise ValidationError(_("Only the people of the two organisations update a follow-up."))
        changed = {
            name: _plain(value) for name, value in facts.items() if getattr(locked, name) != value
        }
        if not changed:
            return locked
        for name, value in facts.items():
            setattr(locked, name, value)
        locked.save()
        FollowUpUpdate.objects.create(
            follow_up=locked, by=by, organisation=organisation, changes=changed
        )
        request = locked.request
        if request.pitch_id is not None:
            log(
                pitch=request.pitch,
                kind=LogKind.FOLLOW_UP,
                actor=by,
                organisation=organisation,
                summary=_("Follow-up between %(sender)s and %(recipient)s: %(facts)s.")
                % {**_pair(request), "facts": describe(locked)},
            )
        logger.info(
            "follow-up %s updated by user %s for organisation %s: %s",
            locked.pk,
            by.pk,
            organisation.pk,
            sorted(changed),
        )
    return locked
