"""Access matrix of the pitches app. Roles: see tests/access.py.

world.pitch is a published pitch of world.buyer_org; world.ess_org (ess_member, ess_admin) has an
interest in it and an unanswered question; world.draft is a draft of world.buyer_org.
"""

from tests.access import Case, expect, fuzz_test, matrix_test


def event(world):
    return {"slug": world.event.slug}


def pitch(world):
    return {"pk": world.pitch.pk}


def draft(world):
    return {"pk": world.draft.pk}


def interest(world):
    return {"pk": world.interest.pk}


CASES = [
    # Public pages
    Case("pitches:catalogue", expect(200, 200, 200, 200, 200, 200), event),
    Case("pitches:detail", expect(200, 200, 200, 200, 200, 200), pitch),
    Case(
        "pitches:attachment",
        expect(200, 200, 200, 200, 200, 200),
        lambda w: {"pk": w.attachment.pk},
    ),
    # Buyer lists
    Case("pitches:mine", expect(302, 200, 403, 403, 403, 403), event),
    Case("pitches:organiser_list", expect(302, 403, 403, 403, 200, 403), event),
    # Any ESS structure of the platform may answer a published pitch, registered for its event
    # or not (pitches.rules.express_interest): so its list, its interest and its questions.
    Case(
        "pitches:my_interests", expect(302, 403, 200, 200, 403, 403, other_participant=200), event
    ),
    # Authoring
    Case("pitches:create", expect(302, 200, 403, 403, 403, 403), event),
    Case("pitches:edit", expect(302, 200, 403, 403, 200, 403), pitch),
    Case("pitches:edit", expect(302, 200, 404, 404, 200, 404), draft),
    Case("pitches:publish", expect(302, 302, 404, 404, 302, 404), draft, method="post"),
    Case("pitches:withdraw", expect(302, 200, 403, 403, 200, 403), pitch),
    Case("pitches:attachment_add", expect(302, 200, 403, 403, 200, 403), pitch),
    Case("pitches:consultation", expect(302, 200, 403, 403, 200, 403), pitch),
    # Draft pages stay private
    Case("pitches:detail", expect(404, 200, 404, 404, 200, 404), draft),
    # Interests
    Case("pitches:interest", expect(302, 403, 200, 200, 403, 403, other_participant=200), pitch),
    Case("pitches:interests", expect(302, 200, 403, 403, 200, 403), pitch),
    Case(
        "pitches:interest_withdraw",
        expect(302, 403, 302, 302, 403, 404, other_ess=404),
        interest,
        method="post",
    ),
    Case(
        "pitches:interest_shortlist",
        expect(302, 302, 403, 403, 302, 404, other_ess=404),
        interest,
        method="post",
    ),
    # Another structure does not learn that the interest exists.
    Case("pitches:interest_decline", expect(302, 200, 403, 403, 200, 404, other_ess=404), interest),
    # Questions and answers
    Case(
        "pitches:question_ask", expect(302, 403, 200, 200, 403, 403, other_participant=200), pitch
    ),
    Case(
        "pitches:question_answer",
        expect(302, 200, 403, 403, 200, 403),
        lambda w: {"pk": w.question.pk},
    ),
    # Sourcing log
    Case("pitches:log", expect(302, 200, 403, 403, 200, 403), pitch),
    Case("pitches:log_csv", expect(302, 200, 403, 403, 200, 403), pitch),
    Case("pitches:trace_csv", expect(302, 200, 403, 403, 200, 403), pitch),
    Case("pitches:trace_pdf", expect(302, 200, 403, 403, 200, 403), pitch),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
