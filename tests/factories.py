"""Factories for every model, without surprises: each builds the smallest valid object.

Themes and territories are seeded by migrations: tests look them up (`Theme.objects.get(code=)`).
tests/test_factories.py fails when a model of the project has no factory here.

Sections follow the layers: accounts, events, pitches, workshops, matching."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from stdnum.fr import siren as siren_mod
from stdnum.fr import siret as siret_mod

from accounts.enums import MembershipRole, OrganisationKind
from accounts.models import Invitation, Membership, Organisation, Theme, User
from events.enums import Phase, RegistrationRole, RegistrationStatus, SessionKind
from events.models import Event, Feedback, Registration, Room, Session, Slot, Table, Unavailability
from matching.enums import Outcome, RequestStatus
from matching.models import (
    Attendance,
    FollowUp,
    FollowUpUpdate,
    MatchingSettings,
    Meeting,
    MeetingFeedback,
    MeetingOutcome,
    MeetingPresence,
    MeetingRequest,
    PrintJob,
    ScheduleRun,
    ScheduleVersion,
    VenueScreen,
)
from pitches.enums import LogKind, PitchStatus, Route
from pitches.models import (
    Attachment,
    Interest,
    InterestAnswer,
    Lot,
    Pitch,
    PitchQuestion,
    Question,
    SourcingLogEntry,
)
from tests.roles import PASSWORD
from workshops.enums import PlanKind
from workshops.models import (
    Board,
    Comment,
    Heading,
    Idea,
    Seat,
    Vote,
    WaitlistEntry,
    WishList,
    Workshop,
    WorkshopFeedback,
    WorkshopPlan,
    WorkshopWish,
)

PARIS = ZoneInfo("Europe/Paris")


def valid_siret(n: int) -> str:
    """A SIRET that passes the Luhn checks (of its SIREN, then of the whole), different for every
    n up to 10**12: the SIREN carries n // 10**4, the establishment number n % 10**4."""
    siren = next(
        candidate
        for digit in "0123456789"
        if siren_mod.is_valid(candidate := f"{n // 10**4:08d}{digit}")
    )
    return next(
        candidate
        for digit in "0123456789"
        if siret_mod.is_valid(candidate := f"{siren}{n % 10**4:04d}{digit}")
    )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = "Martin"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Allauth requires a verified address to log in; tests' users have one."""
        if create:
            self.save()
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=self, email=self.email, verified=True, primary=True
            )


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    kind = OrganisationKind.ESS
    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    siret = factory.Sequence(lambda n: valid_siret(n + 1000))
    legal_form = "association"


class BuyerOrganisationFactory(OrganisationFactory):
    kind = OrganisationKind.BUYER
    name = factory.Sequence(lambda n: f"Acheteur {n}")
    legal_form = ""
    buyer_kind = "local_authority"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.MEMBER


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"event-{n}")
    title = factory.Sequence(lambda n: f"Osez l'ESS {n}")
    start_date = dt.date(2019, 11, 26)
    end_date = dt.date(2019, 11, 26)
    venue = "Hôtel de la Métropole, Lille"
    phase = Phase.REGISTRATION


class RoomFactory(DjangoModelFactory):
    class Meta:
        model = Room

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Salle {n}")
    capacity = 40


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    kind = SessionKind.PLENARY
    title = factory.Sequence(lambda n: f"Séance {n}")
    starts_at = dt.datetime(2019, 11, 26, 9, 30, tzinfo=PARIS)
    ends_at = dt.datetime(2019, 11, 26, 10, 30, tzinfo=PARIS)


class TableFactory(DjangoModelFactory):
    class Meta:
        model = Table

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"T{n:02d}")


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = RegistrationRole.ESS
    status = RegistrationStatus.VALIDATED


class PitchFactory(DjangoModelFactory):
    class Meta:
        model = Pitch

    event = factory.SubFactory(EventFactory)
    buyer = factory.SubFactory(BuyerOrganisationFactory)
    title = factory.Sequence(lambda n: f"Besoin {n}")
    summary = "Un besoin de restauration responsable."
    description = "Repas et goûters bio et locaux pour les centres de loisirs."
    theme = factory.LazyFunction(lambda: Theme.objects.get(code="food"))
    route = Route.SOURCING
    status = PitchStatus.PUBLISHED
    published_at = dt.datetime(2019, 11, 1, 10, 0, tzinfo=PARIS)


class InterestFactory(DjangoModelFactory):
    class Meta:
        model = Interest

    pitch = factory.SubFactory(PitchFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    pitch = factory.SubFactory(PitchFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    text = "Quel volume de repas par jour ?"


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    token = factory.Sequence(lambda n: f"invitation-token-{n:04d}")


# --- events ------------------------------------------------------------------------------------


class MeetingBlockFactory(SessionFactory):
    """A meeting block of 20-minute slots, 14:00–16:00 (its slots are made with SlotFactory)."""

    kind = SessionKind.MEETINGS
    title = factory.Sequence(lambda n: f"Rendez-vous {n}")
    starts_at = dt.datetime(2019, 11, 26, 14, 0, tzinfo=PARIS)
    ends_at = dt.datetime(2019, 11, 26, 16, 0, tzinfo=PARIS)
    slot_minutes = 20


class SlotFactory(DjangoModelFactory):
    """A 20-minute slot at the start of its block (pass `starts_at` for the next ones)."""

    class Meta:
        model = Slot

    session = factory.SubFactory(MeetingBlockFactory)
    starts_at = factory.LazyAttribute(lambda o: o.session.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=20))


class UnavailabilityFactory(DjangoModelFactory):
    class Meta:
        model = Unavailability

    registration = factory.SubFactory(RegistrationFactory)
    starts_at = dt.datetime(2019, 11, 26, 14, 0, tzinfo=PARIS)
    ends_at = dt.datetime(2019, 11, 26, 15, 0, tzinfo=PARIS)
    reason = "Conseil d'administration"


# --- pitches -----------------------------------------------------------------------------------


class LotFactory(DjangoModelFactory):
    class Meta:
        model = Lot

    pitch = factory.SubFactory(PitchFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Lot {n + 1}")


class PitchQuestionFactory(DjangoModelFactory):
    """A screening question the buyer asks every interested structure."""

    class Meta:
        model = PitchQuestion

    pitch = factory.SubFactory(PitchFactory)
    text = "Quelle capacité de production par semaine ?"


class AttachmentFactory(DjangoModelFactory):
    class Meta:
        model = Attachment

    pitch = factory.SubFactory(PitchFactory)
    title = "Cahier des charges"
    file = factory.django.FileField(filename="cahier.pdf", data=b"%PDF-1.4 osez")
    size = 13


class InterestAnswerFactory(DjangoModelFactory):
    class Meta:
        model = InterestAnswer

    interest = factory.SubFactory(InterestFactory)
    question = factory.SubFactory(
        PitchQuestionFactory, pitch=factory.SelfAttribute("..interest.pitch")
    )
    text = "Environ 500 repas."


class SourcingLogEntryFactory(DjangoModelFactory):
    class Meta:
        model = SourcingLogEntry

    pitch = factory.SubFactory(PitchFactory)
    kind = LogKind.UPDATED
    summary = "Besoin précisé."


# --- workshops ---------------------------------------------------------------------------------


class WorkshopPlanFactory(DjangoModelFactory):
    """An (empty) engine proposal; `applied=True` makes it applied, e.g. a seat assignment that
    opens self-service seats (workshops.rules.seats_assigned)."""

    class Meta:
        model = WorkshopPlan

    class Params:
        applied = factory.Trait(applied_at=factory.LazyFunction(lambda: dt.datetime.now(tz=dt.UTC)))

    event = factory.SubFactory(EventFactory)
    kind = PlanKind.SEATS
    problem = factory.LazyFunction(lambda: {"format": "osez-workshops/1"})
    plan = factory.LazyFunction(lambda: {"seats": []})
    refs = factory.LazyFunction(lambda: {"workshops": {}, "people": {}})


class WorkshopFactory(DjangoModelFactory):
    """A workshop with its programme session (15:15–16:45, no room), theme food, 30 places."""

    class Meta:
        model = Workshop

    session = factory.SubFactory(
        SessionFactory,
        kind=SessionKind.WORKSHOP,
        starts_at=dt.datetime(2019, 11, 26, 15, 15, tzinfo=PARIS),
        ends_at=dt.datetime(2019, 11, 26, 16, 45, tzinfo=PARIS),
    )
    theme = factory.LazyFunction(lambda: Theme.objects.get(code="food"))
    capacity = 30


class SeatFactory(DjangoModelFactory):
    class Meta:
        model = Seat

    workshop = factory.SubFactory(WorkshopFactory)
    registration = factory.SubFactory(
        RegistrationFactory, event=factory.SelfAttribute("..workshop.session.event")
    )


class WorkshopFeedbackFactory(DjangoModelFactory):
    """A seat holder's answer to the survey about a workshop."""

    class Meta:
        model = WorkshopFeedback

    workshop = factory.SubFactory(WorkshopFactory)
    registration = factory.SubFactory(
        RegistrationFactory, event=factory.SelfAttribute("..workshop.session.event")
    )
    usefulness = 5


class WaitlistEntryFactory(SeatFactory):
    class Meta:
        model = WaitlistEntry


class WishListFactory(DjangoModelFactory):
    class Meta:
        model = WishList

    registration = factory.SubFactory(RegistrationFactory)
    wants = 1


class WorkshopWishFactory(DjangoModelFactory):
    class Meta:
        model = WorkshopWish

    workshop = factory.SubFactory(WorkshopFactory)
    registration = factory.SubFactory(
        RegistrationFactory, event=factory.SelfAttribute("..workshop.session.event")
    )
    rank = 1


# --- matching ----------------------------------------------------------------------------------


class MatchingSettingsFactory(DjangoModelFactory):
    class Meta:
        model = MatchingSettings

    event = factory.SubFactory(EventFactory)


class MeetingRequestFactory(DjangoModelFactory):
    """A pending request from a buyer to an ESS structure of the same event."""

    class Meta:
        model = MeetingRequest

    event = factory.SubFactory(EventFactory, phase=Phase.REQUESTS)
    sender = factory.SubFactory(
        RegistrationFactory,
        event=factory.SelfAttribute("..event"),
        organisation=factory.SubFactory(BuyerOrganisationFactory),
        role=RegistrationRole.BUYER,
    )
    recipient = factory.SubFactory(RegistrationFactory, event=factory.SelfAttribute("..event"))
    status = RequestStatus.PENDING


class MeetingFactory(DjangoModelFactory):
    """An accepted request placed in a slot at a table, with both people's attendances."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    request = factory.SubFactory(MeetingRequestFactory, status=RequestStatus.ACCEPTED)
    slot = factory.SubFactory(SlotFactory, session__event=factory.SelfAttribute("...request.event"))
    table = factory.SubFactory(TableFactory, event=factory.SelfAttribute("..request.event"))

    @factory.post_generation
    def attendances(self, create, extracted, **kwargs):
        """Both people's attendances, unless `attendances=False`."""
        if create and extracted is not False:
            for person in (self.request.sender, self.request.recipient):
                Attendance.objects.create(meeting=self, registration=person, slot=self.slot)


class AttendanceFactory(DjangoModelFactory):
    """One person's seat at a meeting; MeetingFactory already makes both."""

    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory, attendances=False)
    registration = factory.SelfAttribute("meeting.request.sender")
    slot = factory.SelfAttribute("meeting.slot")


class MeetingPresenceFactory(DjangoModelFactory):
    """The two sides of a meeting confirmed it had started (matching/services/presence.py)."""

    class Meta:
        model = MeetingPresence

    request = factory.SubFactory(MeetingRequestFactory, status=RequestStatus.ACCEPTED)
    slot = factory.SubFactory(SlotFactory, session__event=factory.SelfAttribute("...request.event"))
    table = factory.SubFactory(TableFactory, event=factory.SelfAttribute("..request.event"))
    started_at = factory.LazyFunction(timezone.now)
    started_by = factory.SelfAttribute("request.sender")


class MeetingOutcomeFactory(DjangoModelFactory):
    """The sender's organisation's outcome of a meeting (matching/services/outcomes.py)."""

    class Meta:
        model = MeetingOutcome

    request = factory.SubFactory(MeetingRequestFactory, status=RequestStatus.ACCEPTED)
    organisation = factory.SelfAttribute("request.sender.organisation")
    outcome = Outcome.QUOTE_ASKED
    note = "Devis à envoyer avant la fin du mois."
    written_by = factory.SelfAttribute("request.sender.user")


class FollowUpFactory(DjangoModelFactory):
    """A pair's follow-up with a quote sent (matching/services/follow_ups.py)."""

    class Meta:
        model = FollowUp

    request = factory.SubFactory(MeetingRequestFactory, status=RequestStatus.ACCEPTED)
    quote_sent_on = dt.date(2019, 12, 10)


class FollowUpUpdateFactory(DjangoModelFactory):
    class Meta:
        model = FollowUpUpdate

    follow_up = factory.SubFactory(FollowUpFactory)
    by = factory.SelfAttribute("follow_up.request.sender.user")
    organisation = factory.SelfAttribute("follow_up.request.sender.organisation")
    changes = factory.LazyFunction(lambda: {"quote_sent_on": "2019-12-10"})


class MeetingFeedbackFactory(DjangoModelFactory):
    """The sender's answer to the survey about a meeting."""

    class Meta:
        model = MeetingFeedback

    request = factory.SubFactory(MeetingRequestFactory, status=RequestStatus.ACCEPTED)
    registration = factory.SelfAttribute("request.sender")
    usefulness = 4
    comment = "Un échange utile sur le cahier des charges."


class ScheduleVersionFactory(DjangoModelFactory):
    class Meta:
        model = ScheduleVersion

    event = factory.SubFactory(EventFactory, phase=Phase.PUBLISHED)
    number = factory.Sequence(lambda n: n + 1)
    meetings = factory.LazyFunction(list)


class VenueScreenFactory(DjangoModelFactory):
    class Meta:
        model = VenueScreen

    event = factory.SubFactory(EventFactory, phase=Phase.LIVE)
    name = factory.Sequence(lambda n: f"Écran {n}")
    token = factory.Sequence(lambda n: f"screen-token-{n:04d}")


class ScheduleRunFactory(DjangoModelFactory):
    class Meta:
        model = ScheduleRun

    event = factory.SubFactory(EventFactory, phase=Phase.SCHEDULING)


class PrintJobFactory(DjangoModelFactory):
    class Meta:
        model = PrintJob

    event = factory.SubFactory(EventFactory, phase=Phase.PUBLISHED)
    requested_by = factory.SubFactory(UserFactory)


class FeedbackFactory(DjangoModelFactory):
    class Meta:
        model = Feedback

    registration = factory.SubFactory(RegistrationFactory)
    rating = 4
    would_come_again = True
    comment = "Des rencontres utiles."


class BoardFactory(DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ("workshop",)

    workshop = factory.SubFactory(WorkshopFactory)


class HeadingFactory(DjangoModelFactory):
    class Meta:
        model = Heading

    board = factory.SubFactory(BoardFactory)
    title = factory.Sequence(lambda n: f"Piste {n}")


class IdeaFactory(DjangoModelFactory):
    class Meta:
        model = Idea

    board = factory.SubFactory(BoardFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Idée {n}")
    text = "Des goûters bio et locaux dans les écoles."


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    idea = factory.SubFactory(IdeaFactory)
    author = factory.SubFactory(UserFactory)
    text = "Bonne idée."


class VoteFactory(DjangoModelFactory):
    class Meta:
        model = Vote

    idea = factory.SubFactory(IdeaFactory)
    voter = factory.SubFactory(UserFactory)
