"""The matching app's part of a person's data (registry in accounts/personal_data.py).

At deletion, each of the person's registrations lets go of its meetings and requests through
`matching.services.requests.release_registration` (registered with events/releases.py and called by
the events app's eraser: partners are told by email and live); what is left goes with the
registrations (CASCADE), and the organisers' runs, versions and print jobs lose the name
(SET_NULL). Presence at
meetings goes with the meeting requests (CASCADE); an outcome belongs to the organisation (its
note is the organisation's record of the meeting) and only loses its author (SET_NULL); so do
the updates of a follow-up (the two organisations' record). Survey answers go with the
registration (CASCADE).
"""

from django.db.models import Q

from accounts.personal_data import PersonalData, iso
from core import times

from .models import (
    Attendance,
    FollowUpUpdate,
    MeetingFeedback,
    MeetingOutcome,
    MeetingPresence,
    MeetingRequest,
    PrintJob,
    ScheduleRun,
    ScheduleVersion,
)


def _party(registration) -> str:
    return registration.organisation.name if registration.organisation else ""


def export(user) -> dict[str, list]:
    requests = (
        MeetingRequest.objects.filter(Q(sender__user=user) | Q(recipient__user=user))
        .select_related("event", "sender__organisation", "recipient__organisation", "pitch")
        .order_by("created_at", "pk")
    )
    attendances = (
        Attendance.objects.filter(registration__user=user)
        .select_related(
            "meeting__table",
            "meeting__slot__session__event",
            "meeting__request__sender__organisation",
            "meeting__request__recipient__organisation",
        )
        .order_by("meeting__slot__starts_at", "pk")
    )
    meetings = []
    for attendance in attendances:
        meeting, request = attendance.meeting, attendance.meeting.request
        other = (
            request.recipient if request.sender_id == attendance.registration_id else request.sender
        )
        event = meeting.slot.session.event
        meetings.append(
            {
                "event": event.title,
                "with": _party(other),
                "starts_at": iso(meeting.slot.starts_at),
                "ends_at": iso(meeting.slot.ends_at),
                "local_time": times.day_and_time(meeting.slot.starts_at, event),
                "table": meeting.table.name,
            }
        )
    return {
        "meeting_requests": [
            {
                "event": r.event.title,
                "direction": "sent" if r.sender.user_id == user.pk else "received",
                "from": _party(r.sender),
                "to": _party(r.recipient),
                "pitch": r.pitch.title if r.pitch else None,
                "message": r.message,
                "status": r.status,
                "decline_reason": r.decline_reason,
                "created_at": iso(r.created_at),
                "answered_at": iso(r.answered_at),
            }
            for r in requests
        ],
        "meetings": meetings,
        "presence_at_meetings": [
            {
                "event": p.request.event.title,
                "starts_at": iso(p.slot.starts_at),
                "with": _party(
                    p.request.recipient if p.request.sender.user_id == user.pk else p.request.sender
                ),
                "started_at": iso(p.started_at),
                "partner_absent_at": iso(p.absent_at),
                "marked_absent": p.absent is not None and p.absent.user_id == user.pk,
            }
            for p in MeetingPresence.objects.filter(
                Q(request__sender__user=user) | Q(request__recipient__user=user)
            )
            .select_related(
                "slot",
                "absent",
                "request__event",
                "request__sender__organisation",
                "request__recipient__organisation",
            )
            .order_by("slot__starts_at", "pk")
        ],
        # What the person wrote; their organisation's other outcomes belong to the organisation.
        "meeting_outcomes_written": [
            {
                "event": o.request.event.title,
                "organisation": o.organisation.name,
                "outcome": o.outcome,
                "note": o.note,
                "updated_at": iso(o.updated_at),
            }
            for o in MeetingOutcome.objects.filter(written_by=user)
            .select_related("request__event", "organisation")
            .order_by("updated_at", "pk")
        ],
        "follow_up_updates": [
            {
                "event": u.follow_up.request.event.title,
                "organisation": u.organisation.name if u.organisation else "",
                "changes": u.changes,
                "at": iso(u.at),
            }
            for u in FollowUpUpdate.objects.filter(by=user)
            .select_related("follow_up__request__event", "organisation")
            .order_by("at", "pk")
        ],
        "meeting_surveys": [
            {
                "event": f.request.event.title,
                "with": _party(
                    f.request.recipient
                    if f.request.sender_id == f.registration_id
                    else f.request.sender
                ),
                "usefulness": f.usefulness,
                "comment": f.comment,
                "updated_at": iso(f.updated_at),
            }
            for f in MeetingFeedback.objects.filter(registration__user=user)
            .select_related(
                "request__event",
                "request__sender__organisation",
                "request__recipient__organisation",
            )
            .order_by("updated_at", "pk")
        ],
        "schedule_runs_started": [
            {"event": run.event.title, "status": run.status, "created_at": iso(run.created_at)}
            for run in ScheduleRun.objects.filter(requested_by=user).select_related("event")
        ],
        "print_jobs_requested": [
            {"event": job.event.title, "status": job.status, "requested_at": iso(job.requested_at)}
            for job in PrintJob.objects.filter(requested_by=user).select_related("event")
        ],
        "schedule_versions_published": [
            {"event": v.event.title, "version": v.number, "published_at": iso(v.published_at)}
            for v in ScheduleVersion.objects.filter(published_by=user).select_related("event")
        ],
    }


PROVIDER = PersonalData(
    app="matching",
    export=export,
    exported=frozenset(
        {
            "matching.MeetingRequest",
            "matching.Meeting",
            "matching.Attendance",
            "matching.ScheduleRun",
            "matching.ScheduleVersion",
            "matching.MeetingPresence",
            "matching.MeetingOutcome",
            "matching.FollowUpUpdate",
            "matching.MeetingFeedback",
            "matching.PrintJob",
        }
    ),
    erased=frozenset(
        {
            "matching.FollowUpUpdate",
            "matching.MeetingFeedback",
            "matching.MeetingRequest",
            "matching.Meeting",
            "matching.Attendance",
            "matching.ScheduleRun",
            "matching.ScheduleVersion",
            "matching.MeetingPresence",
            "matching.MeetingOutcome",
            "matching.PrintJob",
        }
    ),
    not_personal={
        "matching.FollowUp": "the two organisations' shared record of what a meeting led to; "
        "who updated it is in FollowUpUpdate",
    },
)
