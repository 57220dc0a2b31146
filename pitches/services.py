"""The only code that writes pitches, interests, questions and the sourcing log.

Every function is keyword-only, runs in one transaction and writes its SourcingLogEntry in that same
transaction. Exchanges (interest, question) lock the pitch row (`select_for_update`) and re-check
that the pitch is open (published, not in the quiet period, phase) under the lock, so a consultation
launched concurrently closes the door for good. Errors are `ValidationError` with a message for the
user; views show it and nothing is saved.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import rules
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from core import times
from core.live import broadcast_on_commit
from core.locking import lock, locked_transaction
from events.models import Event
from events.rules import acts_as_organiser, interest_open, pitches_open, questions_open
from notifications import services as outbox

from . import emails, groups
from .enums import (
    INTEREST_TRANSITIONS,
    Eligibility,
    GroupMode,
    InterestStatus,
    LogKind,
    PitchStatus,
)
from .hooks import QUIET_PERIOD_STARTS
from .models import (
    Attachment,
    Interest,
    InterestAnswer,
    Lot,
    Pitch,
    PitchQuestion,
    Question,
    SourcingLogEntry,
)
from .queries import group_member_candidates
from .rules import (
    NOT_ELIGIBLE_ALONE_TEXT,
    answer_eligibility,
    eligibility,
    is_eligible,
    quiet_period_message,
)
from .uploads import check_attachment

PITCH_FIELDS = (
    "title",
    "summary",
    "description",
    "theme",
    "amount_range",
    "expected_consultation_date",
    "route",
)


@dataclass(frozen=True)
class LotInput:
    number: int
    title: str
    description: str = ""
    id: int | None = None
    delete: bool = False


@dataclass(frozen=True)
class QuestionInput:
    text: str
    required: bool = True
    position: int = 0
    id: int | None = None
    delete: bool = False


def log(
    *,
    pitch: Pitch,
    kind: LogKind,
    actor: User | None,
    summary: str,
    organisation: Organisation | None = None,
) -> SourcingLogEntry:
    """Append one line to the pitch's sourcing log (call inside the caller's transaction).
    Every change the log records may change what the buyer's pages count (interests, questions):
    their open pages are told on commit (pitches/consumers.py)."""
    entry = SourcingLogEntry.objects.create(
        pitch=pitch, kind=kind, actor=actor, organisation=organisation, summary=summary
    )
    hint = {"type": "pitches.changed"}
    broadcast_on_commit(groups.buyer(pitch.buyer_id), hint)
    broadcast_on_commit(groups.pitch(pitch.pk), hint)
    return entry


def _lock_pitch(pitch: Pitch) -> Pitch:
    return lock(Pitch.objects).select_related("event").get(pk=pitch.pk)


def _check_pitch_editable(pitch: Pitch, actor: User) -> None:
    if pitch.status == PitchStatus.WITHDRAWN:
        raise ValidationError(_("This pitch has been withdrawn and can no longer be changed."))
    if not pitches_open(actor, pitch.event) and not acts_as_organiser(actor, pitch.event):
        raise ValidationError(_("Pitches can no longer be changed at this stage of the event."))


def _check_open_for_exchanges(pitch: Pitch, phase_open: rules.Predicate | None = None) -> None:
    if pitch.status != PitchStatus.PUBLISHED:
        raise ValidationError(_("This pitch is not published."))
    if pitch.in_quiet_period:
        raise ValidationError(quiet_period_message(pitch))
    if phase_open is not None and not phase_open(None, pitch.event):
        raise ValidationError(_("This is no longer possible at this stage of the event."))


def _save_lots(pitch: Pitch, lots: Iterable[LotInput]) -> None:
    lots = list(lots)
    numbers = [lot.number for lot in lots if not lot.delete]
    if len(numbers) != len(set(numbers)):
        raise ValidationError(_("Two lots have the same number."))
    existing = {lot.pk: lot for lot in pitch.lots.all()}
    for item in lots:
        if item.id is not None and item.id not in existing:
            raise ValidationError(_("This lot does not belong to this pitch."))
    # Deletions first, then renumbered lots moved out of the way, so the unique number holds.
    Lot.objects.filter(pitch=pitch, pk__in=[i.id for i in lots if i.id and i.delete]).delete()
    kept = [i for i in lots if i.id and not i.delete]
    for offset, item in enumerate(kept, start=1):
        Lot.objects.filter(pk=item.id).update(number=10000 + offset)
    for item in kept:
        Lot.objects.filter(pk=item.id).update(
            number=item.number, title=item.title, description=item.description
        )
    for item in lots:
        if item.id is None and not item.delete:
            Lot.objects.create(
                pitch=pitch, number=item.number, title=item.title, description=item.description
            )


def _save_questions(pitch: Pitch, questions: Iterable[QuestionInput]) -> None:
    existing = set(pitch.screening_questions.values_list("pk", flat=True))
    for item in questions:
        if item.id is not None and item.id not in existing:
            raise ValidationError(_("This question does not belong to this pitch."))
        if item.id is not None and item.delete:
            PitchQuestion.objects.filter(pk=item.id).delete()
        elif item.id is not None:
            PitchQuestion.objects.filter(pk=item.id).update(
                text=item.text, required=item.required, position=item.position
            )
        elif not item.delete:
            PitchQuestion.objects.create(
                pitch=pitch, text=item.text, required=item.required, position=item.position
            )


def create_pitch(
    *,
    event: Event,
    buyer: Organisation,
    author: User,
    fields: dict,
    territories: Iterable = (),
    lots: Iterable[LotInput] = (),
    questions: Iterable[QuestionInput] = (),
) -> Pitch:
    """Draft a new pitch for the event.

    Side effects, in order: check the buyer is a buyer organisation and the phase allows pitches
    (organisers may always); write the pitch (draft), its territories, lots and screening
    questions. Drafts are private, so nothing is logged until publication.
    """
    if buyer.kind != OrganisationKind.BUYER:
        raise ValidationError(_("Only a buyer organisation can publish need pitches."))
    if not pitches_open(author, event) and not acts_as_organiser(author, event):
        raise ValidationError(_("Pitches can no longer be changed at this stage of the event."))
    with locked_transaction():
        pitch = Pitch.objects.create(
            event=event,
            buyer=buyer,
            author=author,
            status=PitchStatus.DRAFT,
            **{name: fields[name] for name in PITCH_FIELDS if name in fields},
        )
        pitch.territories.set(territories)
        _save_lots(pitch, lots)
        _save_questions(pitch, questions)
    return pitch


def update_pitch(
    *,
    pitch: Pitch,
    actor: User,
    fields: dict,
    territories: Iterable | None = None,
    lots: Iterable[LotInput] = (),
    questions: Iterable[QuestionInput] = (),
) -> Pitch:
    """Change a pitch's content, lots and screening questions.

    Side effects, in order: lock the pitch; check it is not withdrawn and the phase allows changes
    (organisers may always); write fields, territories, lots, questions; log UPDATED when the pitch
    is published (what every structure sees has changed).
    """
    with locked_transaction():
        locked = _lock_pitch(pitch)
        _check_pitch_editable(locked, actor)
        for name in PITCH_FIELDS:
            if name in fields:
                setattr(locked, name, fields[name])
        locked.save()
        if territories is not None:
            locked.territories.set(territories)
        _save_lots(locked, lots)
        _save_questions(locked, questions)
        if locked.status == PitchStatus.PUBLISHED:
            log(
                pitch=locked,
                kind=LogKind.UPDATED,
                actor=actor,
                organisation=locked.buyer,
                summary=_("The buyer updated the pitch."),
            )
    return locked


def publish_pitch(*, pitch: Pitch, actor: User) -> Pitch:
    """Publish a draft pitch in the event's catalogue.

    Side effects, in order: lock the pitch; check it is a draft and the phase allows it
    (organisers may always); set status PUBLISHED and published_at; log PUBLISHED.
    """
    with locked_transaction():
        locked = _lock_pitch(pitch)
        if locked.status != PitchStatus.DRAFT:
            raise ValidationError(_("Only a draft can be published."))
        _check_pitch_editable(locked, actor)
        locked.status = PitchStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        log(
            pitch=locked,
            kind=LogKind.PUBLISHED,
            actor=actor,
            organisation=locked.buyer,
            summary=_("Pitch published in the event catalogue."),
        )
    return locked


def withdraw_pitch(*, pitch: Pitch, actor: User, reason: str = "") -> Pitch:
    """Withdraw a pitch (its buyer, or an organiser of the event): it leaves the catalogue.

    Side effects, in order: lock the pitch; check it is not already withdrawn; set status
    WITHDRAWN; log WITHDRAWN (with the reason, if any).
    """
    with locked_transaction():
        locked = _lock_pitch(pitch)
        if locked.status == PitchStatus.WITHDRAWN:
            raise ValidationError(_("This pitch has already been withdrawn."))
        locked.status = PitchStatus.WITHDRAWN
        locked.save(update_fields=["status", "updated_at"])
        summary = _("Pitch withdrawn.")
        if reason:
            summary = _("Pitch withdrawn: %(reason)s") % {"reason": reason}
        log(pitch=locked, kind=LogKind.WITHDRAWN, actor=actor, organisation=None, summary=summary)
    return locked


def add_attachment(*, pitch: Pitch, actor: User, title: str, kind: str, upload) -> Attachment:
    """Attach a document to a pitch; once published it is shared with everyone equally.

    Side effects, in order: check type (extension, then the whole file read through:
    core.uploads) and size; lock the pitch; check it may be changed; store the file and write
    the attachment; log DOCUMENT.
    """
    check_attachment(upload)
    with locked_transaction():
        locked = _lock_pitch(pitch)
        _check_pitch_editable(locked, actor)
        attachment = Attachment(pitch=locked, title=title, kind=kind, size=upload.size)
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        log(
            pitch=locked,
            kind=LogKind.DOCUMENT,
            actor=actor,
            organisation=locked.buyer,
            summary=_("Document shared: %(title)s") % {"title": title},
        )
    return attachment


def launch_consultation(*, pitch: Pitch, actor: User, launched_on: date, url: str) -> Pitch:
    """Record the consultation launch: its date and official link. The quiet period starts on
    that date, in the event's time zone; until then exchanges stay open (the pitch page says when
    they close).

    Side effects, in order: check the link is given; lock the pitch; check it is published and no
    launch is recorded yet; write the date and link; log CONSULTATION; when the date is today or
    past, start the quiet period at once (see start_quiet_period), otherwise the periodic task
    `pitches.start_due_quiet_periods` starts it when the date arrives.
    """
    if not url:
        raise ValidationError(_("Give the link to the official consultation."))
    with locked_transaction():
        locked = _lock_pitch(pitch)
        if locked.status != PitchStatus.PUBLISHED:
            raise ValidationError(_("This pitch is not published."))
        if locked.consultation_launched_on is not None:
            raise ValidationError(_("The consultation has already been recorded as launched."))
        locked.consultation_launched_on = launched_on
        locked.consultation_url = url
        locked.save(update_fields=["consultation_launched_on", "consultation_url", "updated_at"])
        if locked.in_quiet_period:
            summary = _("Consultation launched on %(date)s: %(url)s")
        else:
            summary = _(
                "Consultation launch recorded for %(date)s: exchanges on this pitch stay open "
                "until that date. Official consultation: %(url)s"
            )
        log(
            pitch=locked,
            kind=LogKind.CONSULTATION,
            actor=actor,
            organisation=locked.buyer,
            summary=summary % {"date": times.day(launched_on), "url": url},
        )
        if locked.in_quiet_period:
            _start_quiet_period(locked, log_start=False)  # the line above says it
    return locked


def correct_consultation(*, pitch: Pitch, actor: User, launched_on: date, url: str) -> Pitch:
    """The buyer corrects a wrong launch date or link; the correction is traced.

    Side effects, in order: check the link is given; lock the pitch; check it is published, a
    launch is recorded and something changes; write the date and link; log
    CONSULTATION_CORRECTED with the old and new values; then, when the new date is reached and the
    quiet period has not started, start it (see start_quiet_period); when the new date is in the
    future, the quiet period starts again on that date (exchanges reopen until then; requests
    that already lapsed stay lapsed).
    """
    if not url:
        raise ValidationError(_("Give the link to the official consultation."))
    with locked_transaction():
        locked = _lock_pitch(pitch)
        if locked.status != PitchStatus.PUBLISHED:
            raise ValidationError(_("This pitch is not published."))
        if locked.consultation_launched_on is None:
            raise ValidationError(_("No consultation launch is recorded for this pitch yet."))
        before = (locked.consultation_launched_on, locked.consultation_url)
        if before == (launched_on, url):
            raise ValidationError(_("The date and the link are unchanged."))
        locked.consultation_launched_on = launched_on
        locked.consultation_url = url
        if not locked.in_quiet_period:
            locked.quiet_period_started_at = None
        locked.save(
            update_fields=[
                "consultation_launched_on",
                "consultation_url",
                "quiet_period_started_at",
                "updated_at",
            ]
        )
        log(
            pitch=locked,
            kind=LogKind.CONSULTATION_CORRECTED,
            actor=actor,
            organisation=locked.buyer,
            summary=_(
                "Consultation launch corrected: launch date %(old_date)s → %(date)s; "
                "official consultation %(old_url)s → %(url)s"
            )
            % {
                "old_date": times.day(before[0]),
                "date": times.day(launched_on),
                "old_url": before[1],
                "url": url,
            },
        )
        if locked.in_quiet_period and locked.quiet_period_started_at is None:
            _start_quiet_period(locked)
    return locked


def start_quiet_period(*, pitch_id: int) -> bool:
    """Carry out the start of a pitch's quiet period once its launch date has come (the body of
    the periodic task `pitches.start_due_quiet_periods`). Idempotent: returns whether it acted.

    Side effects, in order: lock the pitch; stop unless it is published, its launch date is
    reached (event's time zone) and its quiet period not started yet; run the hooks registered in
    pitches.hooks.QUIET_PERIOD_STARTS (matching lapses the pending meeting requests about the
    pitch and tells both sides on commit); write the start time; log QUIET_PERIOD.
    """
    with locked_transaction():
        locked = lock(Pitch.objects).select_related("event", "buyer").filter(pk=pitch_id).first()
        if (
            locked is None
            or locked.status != PitchStatus.PUBLISHED
            or not locked.in_quiet_period
            or locked.quiet_period_started_at is not None
        ):
            return False
        _start_quiet_period(locked)
    return True


def _start_quiet_period(pitch: Pitch, *, log_start: bool = True) -> None:
    """Inside the caller's transaction, with the pitch locked. The start time is written first:
    hooks date what they do with it (matching finds the requests it lapsed by it)."""
    pitch.quiet_period_started_at = timezone.now()
    pitch.save(update_fields=["quiet_period_started_at"])
    if log_start:
        log(
            pitch=pitch,
            kind=LogKind.QUIET_PERIOD,
            actor=None,
            organisation=pitch.buyer,
            summary=_(
                "Quiet period started: exchanges on this pitch now go through the official "
                "consultation only (%(url)s)."
            )
            % {"url": pitch.consultation_url},
        )
    for hook in QUIET_PERIOD_STARTS:
        hook(pitch=pitch)


def due_quiet_periods() -> list[int]:
    """Ids of published pitches whose launch date may have come and whose quiet period has not
    started (start_quiet_period re-checks the date in each event's time zone: no zone is more
    than a day ahead of UTC)."""
    horizon = timezone.now().date() + timedelta(days=1)
    return list(
        Pitch.objects.filter(
            status=PitchStatus.PUBLISHED,
            consultation_launched_on__lte=horizon,
            quiet_period_started_at__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _check_interest_content(
    pitch: Pitch,
    lots: list[Lot],
    group_mode: str,
    partners: str,
    answers: dict[int, str],
    eligible_member: Organisation | None = None,
) -> None:
    if any(lot.pitch_id != pitch.pk for lot in lots):
        raise ValidationError(_("This lot does not belong to this pitch."))
    if group_mode == GroupMode.GROUP and not partners.strip() and eligible_member is None:
        raise ValidationError(_("Name your partners when you answer in a group."))
    for question in pitch.screening_questions.all():
        if question.required and not answers.get(question.pk, "").strip():
            raise ValidationError(
                _("Answer the question “%(question)s”.") % {"question": question.text}
            )


def _check_route(
    pitch: Pitch, organisation: Organisation, group_mode: str, member: Organisation | None
) -> None:
    """The reserved-route rule (pitches.rules.answer_eligibility), checked under the pitch lock: a
    structure not eligible answers only in a group naming an eligible member of the event or of
    the directory. A named member must be such a structure, eligible, and not the answering one."""
    if member is not None:
        if group_mode != GroupMode.GROUP:
            raise ValidationError(_("Name an eligible member only when you answer in a group."))
        if member.pk == organisation.pk:
            raise ValidationError(_("Name another structure than your own as eligible member."))
        if not group_member_candidates(pitch).filter(pk=member.pk).exists():
            raise ValidationError(
                _(
                    "The eligible member must be an ESS structure registered for this event or "
                    "listed in the directory."
                )
            )
        if not is_eligible(member, pitch.route):
            raise ValidationError(
                _("%(organisation)s is not eligible for this reserved route.")
                % {"organisation": member}
            )
    verdict = answer_eligibility(organisation, pitch.route, group_mode=group_mode, member=member)
    if verdict != Eligibility.ELIGIBLE:
        raise ValidationError(str(NOT_ELIGIBLE_ALONE_TEXT[eligibility(organisation, pitch.route)]))


def _save_answers(interest: Interest, answers: dict[int, str]) -> None:
    interest.answers.all().delete()
    question_ids = set(interest.pitch.screening_questions.values_list("pk", flat=True))
    InterestAnswer.objects.bulk_create(
        InterestAnswer(interest=interest, question_id=qid, text=text.strip())
        for qid, text in answers.items()
        if qid in question_ids and text.strip()
    )


def express_interest(
    *,
    pitch: Pitch,
    organisation: Organisation,
    actor: User,
    answers: dict[int, str],
    lots: Iterable[Lot] = (),
    group_mode: str = GroupMode.ALONE,
    partners: str = "",
    eligible_member: Organisation | None = None,
    wants_meeting: bool = True,
    message: str = "",
) -> Interest:
    """An ESS structure says it can answer the pitch.

    Side effects, in order: check the organisation is an ESS structure; lock the pitch; re-check it
    is published, not in the quiet period and the phase allows interests; check required screening
    answers, lots and partners; check the reserved route (a structure not eligible answers only in
    a group naming an eligible member); write the interest (or reopen a withdrawn one), its lots
    and answers; log INTEREST; queue in the outbox one email to each member of the buyer
    organisation (sent on commit; withheld if the interest is withdrawn meanwhile).
    """
    lots = list(lots)
    if organisation.kind != OrganisationKind.ESS:
        raise ValidationError(_("Only an ESS structure can express interest."))
    with locked_transaction():
        locked = _lock_pitch(pitch)
        _check_open_for_exchanges(locked, interest_open)
        _check_interest_content(locked, lots, group_mode, partners, answers, eligible_member)
        _check_route(locked, organisation, group_mode, eligible_member)
        interest = Interest.objects.filter(pitch=locked, organisation=organisation).first()
        if interest is not None and interest.status != InterestStatus.WITHDRAWN:
            raise ValidationError(_("Your structure has already expressed interest in this pitch."))
        if interest is None:
            interest = Interest(pitch=locked, organisation=organisation)
        interest.author = actor
        interest.status = InterestStatus.SUBMITTED
        interest.decline_reason = ""
        interest.group_mode = group_mode
        interest.partners = partners.strip() if group_mode == GroupMode.GROUP else ""
        interest.eligible_member = eligible_member
        interest.wants_meeting = wants_meeting
        interest.message = message
        interest.save()
        interest.lots.set(lots)
        _save_answers(interest, answers)
        summary = _("%(organisation)s expressed interest.") % {"organisation": organisation}
        if eligible_member is not None:
            summary = _(
                "%(organisation)s expressed interest, in a group with %(member)s (eligible member)."
            ) % {"organisation": organisation, "member": eligible_member}
        entry = log(
            pitch=locked,
            kind=LogKind.INTEREST,
            actor=actor,
            organisation=organisation,
            summary=summary,
        )
        emails.enqueue_interest_move(interest, emails.INTEREST_RECEIVED, entry)
    return interest


def update_interest(
    *,
    interest: Interest,
    actor: User,
    answers: dict[int, str],
    lots: Iterable[Lot] = (),
    group_mode: str = GroupMode.ALONE,
    partners: str = "",
    eligible_member: Organisation | None = None,
    wants_meeting: bool = True,
    message: str = "",
) -> Interest:
    """The structure changes its interest (answers, lots, group, meeting wish, message).

    Side effects, in order: lock the pitch; re-check it is open for exchanges; check the interest
    is active; check answers, lots and partners; check the reserved route (as
    `express_interest`); write the interest, lots and answers; log INTEREST_UPDATED.
    """
    lots = list(lots)
    with locked_transaction():
        locked = _lock_pitch(interest.pitch)
        _check_open_for_exchanges(locked, interest_open)
        interest = lock(Interest.objects).get(pk=interest.pk)
        if not interest.is_active:
            raise ValidationError(_("This interest can no longer be changed."))
        _check_interest_content(locked, lots, group_mode, partners, answers, eligible_member)
        _check_route(locked, interest.organisation, group_mode, eligible_member)
        interest.author = actor
        interest.group_mode = group_mode
        interest.partners = partners.strip() if group_mode == GroupMode.GROUP else ""
        interest.eligible_member = eligible_member
        interest.wants_meeting = wants_meeting
        interest.message = message
        interest.save()
        interest.lots.set(lots)
        _save_answers(interest, answers)
        log(
            pitch=locked,
            kind=LogKind.INTEREST_UPDATED,
            actor=actor,
            organisation=interest.organisation,
            summary=_("%(organisation)s updated its interest.")
            % {"organisation": interest.organisation},
        )
    return interest


def _move_interest(
    interest: Interest, to: InterestStatus, *, reason: str = ""
) -> tuple[Interest, InterestStatus]:
    interest = lock(Interest.objects).select_related("organisation").get(pk=interest.pk)
    previous = InterestStatus(interest.status)
    if to not in INTEREST_TRANSITIONS[previous]:
        raise ValidationError(
            _("This interest is “%(status)s” and cannot be moved to “%(target)s”.")
            % {"status": previous.label, "target": to.label}
        )
    interest.status = to
    interest.decline_reason = reason if to == InterestStatus.DECLINED else ""
    interest.save(update_fields=["status", "decline_reason", "updated_at"])
    return interest, previous


def withdraw_interest(*, interest: Interest, actor: User) -> Interest:
    """The structure withdraws its interest (only while the pitch is open for exchanges).

    Side effects, in order: lock the pitch; re-check it is open; lock the interest and check the
    transition; set status WITHDRAWN; log INTEREST_WITHDRAWN.
    """
    with locked_transaction():
        locked = _lock_pitch(interest.pitch)
        _check_open_for_exchanges(locked, interest_open)
        interest, _previous = _move_interest(interest, InterestStatus.WITHDRAWN)
        log(
            pitch=locked,
            kind=LogKind.INTEREST_WITHDRAWN,
            actor=actor,
            organisation=interest.organisation,
            summary=_("%(organisation)s withdrew its interest.")
            % {"organisation": interest.organisation},
        )
    return interest


def shortlist_interest(*, interest: Interest, actor: User) -> Interest:
    """The buyer shortlists an interested structure (while the pitch is open for exchanges: in its
    quiet period, telling one structure it is retained would be a private exchange).

    Side effects, in order: lock the pitch; re-check it is open for exchanges; lock the interest;
    check the transition; set status SHORTLISTED; log SHORTLISTED; queue in the outbox one email to
    each member of the structure (sent on commit; withheld if no longer shortlisted by then).
    """
    with locked_transaction():
        _check_open_for_exchanges(_lock_pitch(interest.pitch))
        interest, _previous = _move_interest(interest, InterestStatus.SHORTLISTED)
        entry = log(
            pitch=interest.pitch,
            kind=LogKind.SHORTLISTED,
            actor=actor,
            organisation=interest.organisation,
            summary=_("%(organisation)s shortlisted.") % {"organisation": interest.organisation},
        )
        emails.enqueue_interest_move(interest, emails.SHORTLISTED, entry)
    return interest


def decline_interest(*, interest: Interest, actor: User, reason: str) -> Interest:
    """The buyer declines an interested structure, with a reason the structure sees (while the
    pitch is open for exchanges, as shortlisting).

    Side effects, in order: check a reason is given; lock the pitch; re-check it is open for
    exchanges; lock the interest; check the transition; set status DECLINED and the reason; log
    DECLINED with the reason; queue in the outbox one email to each member of the structure, with
    the reason (sent on commit; withheld if no longer declined by then).
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the structure a reason."))
    with locked_transaction():
        _check_open_for_exchanges(_lock_pitch(interest.pitch))
        interest, _previous = _move_interest(interest, InterestStatus.DECLINED, reason=reason)
        entry = log(
            pitch=interest.pitch,
            kind=LogKind.DECLINED,
            actor=actor,
            organisation=interest.organisation,
            summary=_("%(organisation)s declined: %(reason)s")
            % {"organisation": interest.organisation, "reason": reason},
        )
        emails.enqueue_interest_move(interest, emails.DECLINED, entry)
    return interest


def ask_question(*, pitch: Pitch, organisation: Organisation, actor: User, text: str) -> Question:
    """An ESS structure asks the buyer a question about the pitch.

    Side effects, in order: check the organisation is an ESS structure and the text is not empty;
    lock the pitch; re-check it is published, not in the quiet period and the phase allows
    questions; write the question; log QUESTION. The answer, once given, goes to every interested
    structure (equal treatment).
    """
    text = text.strip()
    if organisation.kind != OrganisationKind.ESS:
        raise ValidationError(_("Only an ESS structure can ask a question on a pitch."))
    if not text:
        raise ValidationError(_("Write your question."))
    with locked_transaction():
        locked = _lock_pitch(pitch)
        _check_open_for_exchanges(locked, questions_open)
        question = Question.objects.create(
            pitch=locked, organisation=organisation, author=actor, text=text
        )
        log(
            pitch=locked,
            kind=LogKind.QUESTION,
            actor=actor,
            organisation=organisation,
            summary=_("Question from %(organisation)s: %(text)s")
            % {"organisation": organisation, "text": text},
        )
    return question


def answer_question(*, question: Question, actor: User, answer: str) -> Question:
    """The buyer answers a question, once; the answer is published to every interested structure.

    Side effects, in order: check the answer is not empty; lock the question and check it is not
    answered yet; write the answer; log ANSWER; queue in the outbox one email to each member of
    every interested structure (and of the asking one), sent once the transaction commits.
    """
    answer = answer.strip()
    if not answer:
        raise ValidationError(_("Write your answer."))
    with locked_transaction():
        question = lock(Question.objects).get(pk=question.pk)
        if question.answered_at is not None:
            raise ValidationError(_("This question has already been answered."))
        question.answer = answer
        question.answered_at = timezone.now()
        question.answered_by = actor
        question.save(update_fields=["answer", "answered_at", "answered_by"])
        log(
            pitch=question.pitch,
            kind=LogKind.ANSWER,
            actor=actor,
            organisation=question.pitch.buyer,
            summary=_(
                "Answer published to every interested structure. Question: %(question)s — "
                "Answer: %(answer)s"
            )
            % {"question": question.text, "answer": answer},
        )
        outbox.enqueue(
            recipients=emails.answer_recipients(question),
            kind=emails.QUESTION_ANSWERED,
            object_key=emails.question_key(question.pk),
            context={"question_id": question.pk},
            event_id=question.pitch.event_id,
        )
    return question
