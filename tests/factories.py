"""Factories for every model, without surprises: each builds the smallest valid object."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory
from factory.django import DjangoModelFactory
from stdnum.fr import siret as siret_mod

from accounts.enums import MembershipRole, OrganisationKind
from accounts.models import Membership, Organisation, Theme, User
from events.enums import Phase, RegistrationRole, RegistrationStatus, SessionKind
from events.models import Event, Registration, Room, Session, Table
from pitches.enums import PitchStatus, Route
from pitches.models import Interest, Pitch, Question
from workshops.enums import PlanKind
from workshops.models import WorkshopPlan

PARIS = ZoneInfo("Europe/Paris")


def valid_siret(n: int) -> str:
    """A SIRET that passes the Luhn check, different for every n."""
    base = f"{n:013d}"
    for last in range(10):
        candidate = base + str(last)
        if siret_mod.is_valid(candidate):
            return candidate
    raise AssertionError("unreachable")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = "Martin"
    password = factory.PostGenerationMethodCall("set_password", "osez-test-password")

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
    problem = factory.LazyFunction(dict)
    plan = factory.LazyFunction(dict)
    refs = factory.LazyFunction(dict)
