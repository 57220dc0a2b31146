"""`manage.py load_demo`: the Osez l'ESS day of 26 November 2019 in Lille, loaded idempotently."""

import io
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from stdnum.fr import siret

from accounts.enums import DisabilityType, InsertionType, LegalForm
from accounts.models import Organisation
from demo import data as demo_data
from events.enums import Phase, SessionKind
from events.models import Event
from matching.models import MeetingRequest
from pitches.enums import RESERVED_ROUTES, PitchStatus
from pitches.models import Interest, Question
from pitches.rules import is_eligible

pytestmark = pytest.mark.django_db
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> SimpleNamespace:
    """The demo loaded twice, once for the module, inside a transaction rolled back at its end
    (each test then runs in its own savepoint, as usual). Returns what each run did."""
    with (
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        empty = row_counts()
        first = load_demo()
        loaded = row_counts()
        second = load_demo()
        yield SimpleNamespace(
            empty=empty, first=first, loaded=loaded, second=second, again=row_counts()
        )
        transaction.set_rollback(True)


def test_load_demo_twice_changes_nothing_the_second_time(demo):
    assert demo.empty["events.Event"] == 0
    assert demo.loaded["events.Event"] == 1
    assert demo.again == demo.loaded
    assert "154 participants" in demo.first
    assert "already loaded" in demo.second


def test_load_demo_builds_the_lille_day_with_valid_sirets(demo):
    event = Event.objects.get(slug=demo_data.EVENT["slug"])
    registrations = event.registrations.all()
    buyers = registrations.filter(role="buyer").count()
    ess = registrations.filter(role="ess").count()
    published = event.pitches.filter(status=PitchStatus.PUBLISHED)
    workshops = event.sessions.filter(kind=SessionKind.WORKSHOP)
    block = event.sessions.get(kind=SessionKind.MEETINGS)
    ess_orgs = Organisation.objects.filter(kind="ess")
    interests = Interest.objects.filter(pitch__event=event).select_related("pitch", "organisation")
    questions = Question.objects.filter(pitch__event=event)

    assert (event.start_date.isoformat(), event.time_zone, event.phase) == (
        "2019-11-26",
        "Europe/Paris",
        Phase.REQUESTS,
    )
    assert 140 <= registrations.count() <= 160
    assert abs(buyers - ess) <= 5
    assert published.count() == len(demo_data.PITCHES) >= 5
    assert {w.workshop.theme_id for w in workshops} == {"food", "mobility", "housing", "waste"}
    assert [(s.ends_at - s.starts_at).seconds // 60 for s in block.slots.all()] == [20] * 5
    assert event.tables.count() == 20
    assert 0 < event.tables.filter(accessible=True).count() < 20
    assert {o.buyer_kind for o in Organisation.objects.filter(kind="buyer")} >= {
        "local_authority",
        "hospital",
        "social_landlord",
        "department_region",
        "state",
    }
    assert {o.legal_form for o in ess_orgs} == set(LegalForm.values)
    assert {o.insertion_type for o in ess_orgs} == set(InsertionType.values)
    assert {o.disability_type for o in ess_orgs} == set(DisabilityType.values)
    assert ess_orgs.filter(esus_agreed=True).exists()
    assert [o.siret for o in Organisation.objects.all() if not siret.is_valid(o.siret)] == []
    assert interests.count() >= 40
    assert [
        (i.pitch.title, i.organisation.name)
        for i in interests
        if i.pitch.route in RESERVED_ROUTES and not is_eligible(i.organisation, i.pitch.route)
    ] == []
    assert questions.exclude(answered_at=None).exists()
    assert questions.filter(answered_at=None).exists()


@pytest.mark.parametrize(
    "account", [demo_data.BUYER_ACCOUNT, demo_data.ESS_ACCOUNT, demo_data.ORGANISER_ACCOUNT]
)
def test_load_demo_accounts_log_in_through_the_login_form(demo, client, account):
    response = client.post(
        reverse("account_login"),
        {"login": account["email"], "password": demo_data.DEMO_PASSWORD},
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_load_demo_accounts_have_their_roles(demo):
    event = Event.objects.get(slug=demo_data.EVENT["slug"])

    buyer = event.registrations.get(user__email=demo_data.BUYER_ACCOUNT["email"])
    ess = event.registrations.get(user__email=demo_data.ESS_ACCOUNT["email"])
    organiser = event.organisers.get()

    assert (buyer.organisation.name, buyer.user.memberships.get().role) == (
        "Métropole Européenne de Lille",
        "admin",
    )
    assert (ess.organisation.kind, ess.user.memberships.get().role) == ("ess", "admin")
    assert (organiser.email, organiser.is_staff) == (demo_data.ORGANISER_ACCOUNT["email"], True)
    assert event.pitches.filter(author=buyer.user, status=PitchStatus.PUBLISHED).count() == 2
    assert Interest.objects.filter(organisation=ess.organisation).count() == 2


def test_load_demo_has_meeting_requests_to_answer_and_to_schedule(demo):
    statuses = set(MeetingRequest.objects.values_list("status", flat=True))

    assert statuses == {"accepted", "pending"}


def test_load_demo_day_refuses_a_database_holding_the_eve(demo):
    """--day builds the day from scratch (its dates and times are placed around now)."""
    with pytest.raises(CommandError, match="already loaded as the eve"):
        call_command("load_demo", "--day", stdout=io.StringIO())
