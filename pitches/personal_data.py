"""The pitches app's part of a person's data (registry in accounts/personal_data.py).

At deletion nothing needs code: what a person wrote on behalf of an organisation (pitches,
interests with their answers, questions and answers, sourcing log lines) stays for the procurement
record (R2111-1 traceability), and the database drops their name from it (author, actor and
answered_by are SET_NULL).
"""

from django.db.models import Prefetch

from accounts.personal_data import PersonalData, iso

from .models import Interest, Lot, Pitch, Question, SourcingLogEntry


def _lots(lots) -> list[dict]:
    return [
        {"number": lot.number, "title": lot.title, "description": lot.description} for lot in lots
    ]


def export(user) -> dict[str, list]:
    pitches = (
        Pitch.objects.filter(author=user)
        .select_related("event", "buyer")
        .prefetch_related(Prefetch("lots", queryset=Lot.objects.order_by("number")))
        .order_by("created_at", "pk")
    )
    interests = (
        Interest.objects.filter(author=user)
        .select_related("pitch", "organisation")
        .prefetch_related(
            Prefetch("lots", queryset=Lot.objects.order_by("number")), "answers__question"
        )
        .order_by("created_at", "pk")
    )
    asked = Question.objects.filter(author=user).select_related("pitch", "organisation")
    answered = Question.objects.filter(answered_by=user).select_related("pitch")
    log = SourcingLogEntry.objects.filter(actor=user).select_related("pitch")
    return {
        "pitches_written": [
            {
                "title": p.title,
                "event": p.event.title,
                "buyer": p.buyer.name,
                "status": p.status,
                "summary": p.summary,
                "description": p.description,
                "lots": _lots(p.lots.all()),
                "created_at": iso(p.created_at),
            }
            for p in pitches
        ],
        "interests_written": [
            {
                "pitch": i.pitch.title,
                "organisation": i.organisation.name,
                "status": i.status,
                "message": i.message,
                "lots": _lots(i.lots.all()),
                "group_mode": i.group_mode,
                "partners": i.partners,
                "wants_meeting": i.wants_meeting,
                "decline_reason": i.decline_reason,
                "answers": [
                    {"question": a.question.text, "answer": a.text} for a in i.answers.all()
                ],
                "created_at": iso(i.created_at),
            }
            for i in interests
        ],
        "questions_asked": [
            {
                "pitch": q.pitch.title,
                "organisation": q.organisation.name,
                "text": q.text,
                "asked_at": iso(q.asked_at),
                "answer": q.answer,
                "answered_at": iso(q.answered_at),
            }
            for q in asked.order_by("asked_at", "pk")
        ],
        "answers_given": [
            {
                "pitch": q.pitch.title,
                "question": q.text,
                "answer": q.answer,
                "answered_at": iso(q.answered_at),
            }
            for q in answered.order_by("answered_at", "pk")
        ],
        "sourcing_log_entries": [
            {"pitch": e.pitch.title, "at": iso(e.at), "kind": e.kind, "summary": e.summary}
            for e in log.order_by("at", "pk")
        ],
    }


PROVIDER = PersonalData(
    app="pitches",
    export=export,
    exported=frozenset(
        {
            "pitches.Pitch",
            "pitches.Lot",
            "pitches.Interest",
            "pitches.InterestAnswer",
            "pitches.Question",
            "pitches.SourcingLogEntry",
        }
    ),
    erased=frozenset(
        {"pitches.Pitch", "pitches.Interest", "pitches.Question", "pitches.SourcingLogEntry"}
    ),
    not_personal={
        "pitches.PitchQuestion": "the buyer organisation's question to every structure, part of the pitch",
        "pitches.Attachment": "a document of the buyer organisation's pitch",
    },
)
