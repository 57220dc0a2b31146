"""Idea board services: who may post and vote, the vote budget, one's own ideas, merging,
moderation, a closed board."""

import pytest
from django.core.exceptions import ValidationError

from events.enums import Phase
from workshops import services
from workshops.enums import IdeaStatus
from workshops.models import Board, Comment, Vote
from workshops.queries import board_view

pytestmark = pytest.mark.django_db


def post(world, by=None, title="Goûters locaux", **kwargs):
    return services.post_idea(workshop=world.workshop, by=by or world.alice, title=title, **kwargs)


def test_post_idea_by_seated_participant_creates_board_and_idea(board_world):
    idea = post(board_world, text="Des circuits courts")

    assert (idea.title, idea.text, idea.status) == ("Goûters locaux", "Des circuits courts", "open")
    assert Board.objects.get(workshop=board_world.workshop).vote_budget == 3


@pytest.mark.parametrize("who", ["facilitator", "organiser"])
def test_post_idea_by_facilitator_or_organiser_allowed(board_world, who):
    idea = post(board_world, by=getattr(board_world, who))

    assert idea.author == getattr(board_world, who)


def test_post_idea_without_seat_refused(board_world):
    with pytest.raises(ValidationError, match="cannot post"):
        post(board_world, by=board_world.outsider)


def test_post_idea_before_publication_refused(board_world):
    board_world.event.phase = Phase.SCHEDULING
    board_world.event.save(update_fields=["phase"])

    with pytest.raises(ValidationError, match="cannot post"):
        post(board_world)


def test_post_idea_too_long_refused(board_world):
    with pytest.raises(ValidationError, match="at most 120"):
        post(board_world, title="x" * 121)


def test_vote_budget_allows_dots_on_one_idea_up_to_budget(board_world):
    idea = post(board_world)
    for _ in range(3):
        services.vote(idea=idea, by=board_world.bob)

    with pytest.raises(ValidationError, match="used all your 3 votes"):
        services.vote(idea=idea, by=board_world.bob)
    assert Vote.objects.filter(idea=idea, voter=board_world.bob).count() == 3


def test_vote_budget_counts_across_ideas_and_frees_on_unvote(board_world):
    first, second = post(board_world), post(board_world, title="Vélos cargos")
    services.configure_board(
        workshop=board_world.workshop,
        by=board_world.facilitator,
        vote_budget=2,
        own_votes_allowed=False,
        counts_hidden=False,
        voting_closed=False,
    )
    services.vote(idea=first, by=board_world.bob)
    services.vote(idea=second, by=board_world.bob)
    with pytest.raises(ValidationError):
        services.vote(idea=second, by=board_world.bob)

    services.unvote(idea=first, by=board_world.bob)
    services.vote(idea=second, by=board_world.bob)

    assert Vote.objects.filter(voter=board_world.bob).count() == 2
    assert board_view(board_world.workshop, board_world.bob).votes_left == 0


def test_vote_for_own_idea_refused_unless_allowed(board_world):
    idea = post(board_world)
    with pytest.raises(ValidationError, match="your own idea"):
        services.vote(idea=idea, by=board_world.alice)

    services.configure_board(
        workshop=board_world.workshop,
        by=board_world.facilitator,
        vote_budget=3,
        own_votes_allowed=True,
        counts_hidden=False,
        voting_closed=False,
    )
    services.vote(idea=idea, by=board_world.alice)

    assert Vote.objects.filter(idea=idea, voter=board_world.alice).count() == 1


def test_vote_after_voting_closed_refused(board_world):
    idea = post(board_world)
    services.configure_board(
        workshop=board_world.workshop,
        by=board_world.facilitator,
        vote_budget=3,
        own_votes_allowed=False,
        counts_hidden=True,
        voting_closed=True,
    )

    with pytest.raises(ValidationError, match="Voting is not open"):
        services.vote(idea=idea, by=board_world.bob)
    services.comment_idea(idea=idea, by=board_world.bob, text="On peut encore commenter")


def test_merge_moves_votes_and_comments_to_kept_idea(board_world):
    kept, duplicate = post(board_world), post(board_world, by=board_world.bob, title="Goûters bio")
    services.vote(idea=duplicate, by=board_world.alice)
    services.vote(idea=kept, by=board_world.bob)
    services.comment_idea(idea=duplicate, by=board_world.alice, text="Même idée")

    result = services.merge_ideas(idea=duplicate, into=kept, by=board_world.facilitator)

    duplicate.refresh_from_db()
    assert result == kept
    assert (duplicate.status, duplicate.merged_into) == (IdeaStatus.MERGED, kept)
    assert Vote.objects.filter(idea=kept).count() == 2
    assert Vote.objects.filter(idea=duplicate).count() == 0
    assert list(Comment.objects.filter(idea=kept).values_list("text", flat=True)) == ["Même idée"]


def test_merge_by_participant_refused(board_world):
    kept, duplicate = post(board_world), post(board_world, title="Doublon")

    with pytest.raises(ValidationError, match="facilitators"):
        services.merge_ideas(idea=duplicate, into=kept, by=board_world.bob)


def test_merged_idea_takes_no_vote(board_world):
    kept, duplicate = post(board_world), post(board_world, title="Doublon")
    services.merge_ideas(idea=duplicate, into=kept, by=board_world.organiser)

    with pytest.raises(ValidationError, match="no longer open"):
        services.vote(idea=duplicate, by=board_world.bob)


def test_closed_board_refuses_every_write(board_world):
    idea = post(board_world)
    services.close_board(workshop=board_world.workshop, by=board_world.facilitator)

    with pytest.raises(ValidationError):
        post(board_world)
    with pytest.raises(ValidationError):
        services.vote(idea=idea, by=board_world.bob)
    with pytest.raises(ValidationError):
        services.comment_idea(idea=idea, by=board_world.bob, text="Trop tard")
    with pytest.raises(ValidationError):
        services.moderate_idea(idea=idea, by=board_world.facilitator, status=IdeaStatus.RETAINED)


def test_reopened_board_takes_ideas_again(board_world):
    services.close_board(workshop=board_world.workshop, by=board_world.facilitator)
    services.close_board(workshop=board_world.workshop, by=board_world.facilitator, closed=False)

    assert post(board_world).pk is not None


def test_moderate_marks_lead_hides_and_groups(board_world):
    idea = post(board_world)
    heading = services.add_heading(
        workshop=board_world.workshop, title="Restauration", by=board_world.facilitator
    )

    services.moderate_idea(idea=idea, by=board_world.facilitator, status=IdeaStatus.RETAINED)
    services.moderate_idea(idea=idea, by=board_world.facilitator, heading=heading, set_heading=True)
    services.moderate_idea(idea=idea, by=board_world.facilitator, hidden=True)

    idea.refresh_from_db()
    assert (idea.status, idea.heading, idea.hidden) == (IdeaStatus.RETAINED, heading, True)


def test_moderate_cannot_set_merged_by_hand(board_world):
    idea = post(board_world)

    with pytest.raises(ValidationError, match="Choose open"):
        services.moderate_idea(idea=idea, by=board_world.facilitator, status=IdeaStatus.MERGED)


def test_hidden_idea_seen_by_facilitator_only(board_world):
    idea = post(board_world)
    services.moderate_idea(idea=idea, by=board_world.facilitator, hidden=True)

    def titles(user):
        return [
            i.title for _h, ideas in board_view(board_world.workshop, user).groups for i in ideas
        ]

    assert titles(board_world.bob) == []
    assert titles(board_world.facilitator) == ["Goûters locaux"]


def test_anonymous_idea_hidden_from_participants_not_from_facilitators(board_world):
    post(board_world, anonymous=True)

    def byline(user):
        return board_view(board_world.workshop, user).groups[0][1][0].byline

    assert byline(board_world.bob) == "Anonymous"
    assert byline(board_world.alice) == "You (anonymous to the others)"
    assert byline(board_world.facilitator) == ("Alice Participante (anonymous to the participants)")
    assert byline(board_world.organiser) == "Alice Participante (anonymous to the participants)"


def test_counts_hidden_until_voting_closes_for_participants(board_world):
    post(board_world)
    settings = {"vote_budget": 3, "own_votes_allowed": False, "counts_hidden": True}
    services.configure_board(
        workshop=board_world.workshop, by=board_world.facilitator, voting_closed=False, **settings
    )
    hidden_for_bob = board_view(board_world.workshop, board_world.bob).show_counts
    shown_for_facilitator = board_view(board_world.workshop, board_world.facilitator).show_counts

    services.configure_board(
        workshop=board_world.workshop, by=board_world.facilitator, voting_closed=True, **settings
    )

    assert (hidden_for_bob, shown_for_facilitator) == (False, True)
    assert board_view(board_world.workshop, board_world.bob).show_counts is True


def test_vote_budget_out_of_bounds_refused(board_world):
    with pytest.raises(ValidationError, match="between 1 and 20"):
        services.configure_board(
            workshop=board_world.workshop,
            by=board_world.facilitator,
            vote_budget=21,
            own_votes_allowed=False,
            counts_hidden=False,
            voting_closed=False,
        )
