"""Load the demo event (demo/data.py) through the services; safe to run again.

    python manage.py load_demo          # the eve: 26 November 2019, meeting requests open
    python manage.py load_demo --day   # the day itself, happening now (demo/day.py)

Idempotent: the whole load is one transaction, so it either happens completely or not at all, and
a second run finds the demo event and changes nothing. People and organisations are looked up by
email and SIRET before being created, so a run after the demo event was deleted reuses them.

Writes go through accounts, events and pitches services. Two things have no service yet and are
written directly: user accounts (sign-up belongs to allauth) with their verified email address, and
memberships beyond an organisation's creator (the only service path is an emailed invitation).
No email leaves during the load: every address in the demo is invented.

With `--day` the same event is loaded as if it were happening now (demo/day.py): dates and times
move so that a meeting slot is under way, the schedule is published and the event live, people are
checked in, meetings confirmed, missed and re-paired, outcomes recorded and the workshops' idea
boards filled, all through the services of the day (events, matching, workshops). A venue screen
link is made and printed. A second `--day` finds the day and does nothing; on a database holding
the eve it refuses (the day is built from scratch, placed around the moment it is loaded).
"""

import contextlib
import datetime as dt
import hashlib

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from stdnum import luhn
from stdnum.fr import siret as siret_number

from accounts import services as accounts_services
from accounts.enums import MembershipRole, OrganisationKind
from accounts.models import Membership, Organisation, Territory, Theme, User
from config.celery import app as celery_app
from core.sites import absolute_url
from demo import data
from demo.day import Day, Timeline
from events import services as events_services
from events.enums import Phase, RegistrationStatus
from events.models import Event
from matching.models import MeetingRequest, VenueScreen
from matching.services import requests as matching_services
from notifications import services as outbox
from pitches import services as pitches_services
from pitches.enums import INTEREST_ACTIVE, GroupMode, InterestStatus
from pitches.models import Interest


def demo_siret(key: str) -> str:
    """A valid SIRET derived from `key`: the same on every run and every machine."""
    digest = int(hashlib.sha256(f"osez-demo:{key}".encode()).hexdigest(), 16)
    siren8 = str(10_000_000 + digest % 89_999_999)
    siren = siren8 + luhn.calc_check_digit(siren8)
    nic4 = f"{1 + (digest >> 64) % 60:04d}"
    number = siren + nic4 + luhn.calc_check_digit(siren + nic4)
    assert siret_number.is_valid(number), number
    return number


@contextlib.contextmanager
def no_outgoing_email():
    """Every address in the demo is invented: what the load triggers (answers published to the
    interested structures...) must not be emailed. The outbox writes nothing (muted); tasks queued
    on commit run here, eagerly, instead of in a worker, and any other mail goes to a dummy
    backend."""
    dummy = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with override_settings(MAILERS=dummy), outbox.muted():
            yield
    finally:
        celery_app.conf.task_always_eager = eager


class Loader:
    def __init__(self, timeline: Timeline):
        self.timeline = timeline
        self.people: dict[str, list[User]] = {}  # organisation key -> its people, in order
        self.organisations: dict[str, Organisation] = {}
        self.person_count = 0

    # --- helpers --------------------------------------------------------------------------

    def at(self, hhmm: str) -> dt.datetime:
        return self.timeline.at(hhmm)

    @staticmethod
    def themes(codes) -> list[Theme]:
        return list(Theme.objects.filter(code__in=codes))

    @staticmethod
    def territories(codes) -> list[Territory]:
        found = list(Territory.objects.filter(code__in=codes))
        missing = set(codes) - {t.code for t in found}
        if missing:
            raise LookupError(f"Unknown territory codes {sorted(missing)} (accounts migrations?)")
        return found

    @staticmethod
    def person(account: dict, *, password: str | None = None, is_staff: bool = False) -> User:
        user = User.objects.filter(email__iexact=account["email"]).first()
        if user is None:
            user = User.objects.create_user(
                email=account["email"],
                password=password,
                first_name=account["first_name"],
                last_name=account["last_name"],
                job_title=account.get("job_title", ""),
                phone=account.get("phone", ""),
                is_staff=is_staff,
            )
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        return user

    def invented_person(self, organisation_name: str, jobs: list[tuple[str, str]]) -> dict:
        i = self.person_count
        self.person_count += 1
        first, gender = data.FIRST_NAMES[i % len(data.FIRST_NAMES)]
        last = data.LAST_NAMES[(i * 7) % len(data.LAST_NAMES)]
        feminine, masculine = jobs[i % len(jobs)]
        return {
            "email": f"{slugify(first)}.{slugify(last)}@{slugify(organisation_name)}.demo",
            "first_name": first,
            "last_name": last,
            "job_title": feminine if gender == "f" else masculine,
        }

    # --- people and organisations ---------------------------------------------------------

    def organisation(self, spec: dict, kind: str, organiser: User) -> Organisation:
        is_buyer = kind == OrganisationKind.BUYER
        jobs = data.BUYER_JOBS if is_buyer else data.ESS_JOBS
        accounts = [self.invented_person(spec["name"], jobs) for _ in range(spec["people"])]
        demo_account = {"mel": data.BUYER_ACCOUNT, "velo-solidaire": data.ESS_ACCOUNT}.get(
            spec["key"]
        )
        people = []
        for index, account in enumerate(accounts):
            if index == 0 and demo_account:
                people.append(self.person(demo_account, password=data.DEMO_PASSWORD))
            else:
                people.append(self.person(account))
        self.people[spec["key"]] = people

        siret = demo_siret(spec["key"])
        organisation = Organisation.objects.filter(siret=siret).first()
        if organisation is None:
            if is_buyer:
                profile = {"buyer_kind": spec["buyer_kind"], "listed_in_directory": False}
            else:
                esus = spec.get("esus")
                profile = {
                    "legal_form": spec["legal_form"],
                    "insertion_type": spec.get("insertion", ""),
                    "disability_type": spec.get("disability", ""),
                    "esus_agreed": bool(esus),
                    "esus_start": dt.date(esus, 1, 1) if esus else None,
                    "esus_end": dt.date(esus + 5, 12, 31) if esus else None,
                    "listed_in_directory": spec["key"] not in data.ESS_NOT_LISTED,
                }
            organisation = accounts_services.create_organisation(
                creator=people[0],
                kind=kind,
                data={
                    "name": spec["name"],
                    "siret": siret,
                    "size": spec["size"],
                    "description": spec["description"],
                    "website": spec.get("website", ""),
                    **profile,
                },
                themes=self.themes(spec["themes"]),
                territories=self.territories(spec["territories"]),
            )
            if not is_buyer and spec["key"] not in data.ESS_NOT_VERIFIED:
                accounts_services.verify_organisation(organisation=organisation, actor=organiser)
        for user in people[1:]:
            # No service adds a member without emailing an invitation (see the module docstring).
            Membership.objects.get_or_create(
                user=user, organisation=organisation, defaults={"role": MembershipRole.MEMBER}
            )
        self.organisations[spec["key"]] = organisation
        return organisation

    # --- the event ------------------------------------------------------------------------

    def event(self, organiser: User, facilitators: dict[str, User]) -> Event:
        spec = data.EVENT
        first_day, last_day = self.timeline.dates()
        event = events_services.create_event(
            created_by=organiser,
            slug=spec["slug"],
            title=spec["title"],
            start_date=first_day,
            end_date=last_day,
            venue=spec["venue"],
            address=spec["address"],
            time_zone=spec["time_zone"],
            description=spec["description"],
        )
        event = events_services.move_phase(event=event, to_phase=Phase.REGISTRATION, by=organiser)
        rooms = {
            name: events_services.save_room(
                event=event, name=name, capacity=capacity, accessible=accessible
            )
            for name, capacity, accessible in data.ROOMS
        }
        for item in data.PROGRAMME:
            workshop = item.get("workshop")
            starts_at, ends_at = self.timeline.session(item)
            events_services.save_session(
                event=event,
                kind=item["kind"],
                title=item["title"],
                starts_at=starts_at,
                ends_at=ends_at,
                description=item.get("description", ""),
                room=rooms.get(item.get("room")),
                slot_minutes=item.get("slot_minutes"),
                gap_minutes=item.get("gap_minutes", 0),
                workshop=events_services.WorkshopDetails(
                    theme=Theme.objects.get(code=workshop["theme"]),
                    capacity=workshop["capacity"],
                    facilitators=[facilitators[key] for key in workshop["facilitators"]],
                    expected_outcome=workshop["expected_outcome"],
                )
                if workshop
                else None,
            )
        for prefix, first, last, zone, accessible in data.TABLES:
            events_services.create_tables(
                event=event, prefix=prefix, first=first, last=last, zone=zone, accessible=accessible
            )
        return event

    def registrations(self, event: Event, facilitators: dict[str, User]) -> None:
        for user in facilitators.values():
            events_services.register(
                event=event,
                user=user,
                organisation=None,
                role="facilitator",
                status=RegistrationStatus.VALIDATED,
            )
        leaving = {(key, index): (hhmm, reason) for key, index, hhmm, reason in data.LEAVING_EARLY}
        buyer_keys = {spec["key"] for spec in data.BUYERS}
        for key, people in self.people.items():
            for index, user in enumerate(people):
                absences = []
                if (key, index) in leaving:
                    hhmm, reason = leaving[key, index]
                    absences.append(
                        events_services.Absence(
                            starts_at=self.timeline.leaving(hhmm),
                            ends_at=self.at("17:15"),
                            reason=reason,
                        )
                    )
                pending = (key, index) in data.PENDING_REGISTRATIONS
                accessibility = data.ACCESSIBLE_TABLE_NEEDED.get((key, index))
                events_services.register(
                    event=event,
                    user=user,
                    organisation=self.organisations[key],
                    max_meetings=4 if key in buyer_keys and index % 3 == 1 else None,
                    needs_accessible_table=accessibility is not None,
                    accessibility_needs=accessibility or "",
                    absences=absences,
                    status=RegistrationStatus.PENDING if pending else RegistrationStatus.VALIDATED,
                )

    # --- pitches, interests, questions ----------------------------------------------------

    def pitch(self, event: Event, spec: dict, *, publish: bool):
        buyer = self.organisations[spec["buyer"]]
        author = (
            User.objects.get(email=spec["author"])
            if "author" in spec
            else self.people[spec["buyer"]][0]
        )
        pitch = pitches_services.create_pitch(
            event=event,
            buyer=buyer,
            author=author,
            fields={
                "title": spec["title"],
                "summary": spec["summary"],
                "description": spec["description"],
                "theme": Theme.objects.get(code=spec["theme"]),
                "amount_range": spec["amount"],
                "expected_consultation_date": self.timeline.later(
                    dt.date.fromisoformat(spec["consultation"])
                )
                if spec["consultation"]
                else None,
                "route": spec["route"],
            },
            territories=self.territories(spec["territories"]),
            lots=[
                pitches_services.LotInput(number=number, title=title)
                for number, title in enumerate(spec["lots"], start=1)
            ],
            questions=[
                pitches_services.QuestionInput(text=text, required=required, position=position)
                for position, (text, required, _samples) in enumerate(spec["questions"])
            ],
        )
        if publish:
            pitch = pitches_services.publish_pitch(pitch=pitch, actor=author)
        return pitch, author

    def interests(self, pitch, spec: dict, author: User) -> None:
        questions = list(pitch.screening_questions.order_by("position"))
        lots = {lot.number: lot for lot in pitch.lots.all()}
        for n, (key, message, lot_numbers, wants_meeting, partners) in enumerate(
            data.INTERESTS.get(spec["key"], [])
        ):
            answers = {}
            for question, (_text, required, samples) in zip(
                questions, spec["questions"], strict=True
            ):
                if required or n % 2 == 0:
                    answers[question.pk] = samples[n % len(samples)]
            interest = pitches_services.express_interest(
                pitch=pitch,
                organisation=self.organisations[key],
                actor=self.people[key][0],
                answers=answers,
                lots=[lots[number] for number in lot_numbers],
                group_mode=GroupMode.GROUP if partners else GroupMode.ALONE,
                partners=partners,
                wants_meeting=wants_meeting,
                message=message,
            )
            if (spec["key"], key) in data.SHORTLISTED:
                pitches_services.shortlist_interest(interest=interest, actor=author)
            for pitch_key, ess_key, reason in data.DECLINED:
                if (pitch_key, ess_key) == (spec["key"], key):
                    pitches_services.decline_interest(
                        interest=interest, actor=author, reason=reason
                    )

    def questions(self, pitch, spec: dict, author: User) -> None:
        for key, text, answer in data.QUESTIONS.get(spec["key"], []):
            question = pitches_services.ask_question(
                pitch=pitch,
                organisation=self.organisations[key],
                actor=self.people[key][0],
                text=text,
            )
            if answer:
                pitches_services.answer_question(question=question, actor=author, answer=answer)

    def meeting_requests(self, event: Event) -> None:
        """Structures that would like a meeting ask the pitch's buyer; the buyer accepts the
        shortlisted ones and two in three of the others, the rest await an answer."""
        registrations = {
            r.user_id: r for r in event.registrations.filter(status=RegistrationStatus.VALIDATED)
        }
        interests = (
            Interest.objects.filter(
                pitch__event=event, wants_meeting=True, status__in=INTEREST_ACTIVE
            )
            .select_related("pitch__author", "author")
            .order_by("pk")
        )
        for n, interest in enumerate(interests):
            sender = registrations.get(interest.author_id)
            recipient = registrations.get(interest.pitch.author_id)
            if sender is None or recipient is None or sender.pk == recipient.pk:
                continue
            if MeetingRequest.objects.filter(
                sender__in=[sender, recipient], recipient__in=[sender, recipient]
            ).exists():
                continue
            request = matching_services.send_request(
                sender=sender,
                recipient=recipient,
                by=interest.author,
                pitch=interest.pitch,
                message=data.MEETING_REQUEST_MESSAGES[n % len(data.MEETING_REQUEST_MESSAGES)],
            )
            if interest.status == InterestStatus.SHORTLISTED or n % 3:
                matching_services.answer_request(
                    request=request, accept=True, by=interest.pitch.author
                )

    # --- everything -----------------------------------------------------------------------

    def load(self) -> Event:
        organiser = self.person(data.ORGANISER_ACCOUNT, password=data.DEMO_PASSWORD, is_staff=True)
        facilitators = {
            key: self.person(
                {
                    "email": f"{slugify(first)}.{slugify(last)}@animation.{data.DEMO_DOMAIN}",
                    "first_name": first,
                    "last_name": last,
                    "job_title": job,
                }
            )
            for key, (first, last, job) in data.FACILITATORS.items()
        }
        for spec in data.BUYERS:
            self.organisation(spec, OrganisationKind.BUYER, organiser)
        for spec in data.ESS:
            self.organisation(spec, OrganisationKind.ESS, organiser)

        event = self.event(organiser, facilitators)
        self.registrations(event, facilitators)
        # The catalogue lists the latest published first: publish the pitches of the day last.
        for spec in reversed(data.PITCHES):
            pitch, author = self.pitch(event, spec, publish=True)
            self.interests(pitch, spec, author)
            self.questions(pitch, spec, author)
        self.pitch(event, data.DRAFT_PITCH, publish=False)
        event = events_services.move_phase(event=event, to_phase=Phase.REQUESTS, by=organiser)
        self.meeting_requests(event)
        if self.timeline.is_day:
            event = Day(self, event, organiser).load()
        return event


class Command(BaseCommand):
    help = (
        "Load the Osez l'ESS day of 26 November 2019 in Lille as demo data, on the eve of the day "
        "(meeting requests open). With --day, load it as the day itself, happening now: "
        "published schedule, check-ins and a few no-shows, meetings started, missed and "
        "re-paired, outcomes, an idea board per workshop, a venue screen link. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--day",
            action="store_true",
            help=(
                "Load the event as the day itself: dates and times moved so that a meeting slot "
                "is under way now (the workshops before the meetings), the event live. Needs a "
                "database without the demo event (make run-day starts from a fresh one)."
            ),
        )

    def handle(self, *args, **options):
        slug = data.EVENT["slug"]
        existing = Event.objects.filter(slug=slug).first()
        if existing is not None:
            if options["day"] and existing.phase != Phase.LIVE:
                raise CommandError(
                    f"The demo event “{slug}” is already loaded as the eve of the day "
                    f"({existing.start_date:%d/%m/%Y}); --day builds the day on a database "
                    "without it (make run-day starts from a fresh one)."
                )
            self.stdout.write(f"The demo event “{slug}” is already loaded: nothing to do.")
            self.print_screens(existing)
            return
        now = timezone.now()
        timeline = Timeline.around(now) if options["day"] else Timeline.eve()
        with no_outgoing_email(), transaction.atomic():
            event = Loader(timeline).load()
        registrations = event.registrations.count()
        pitches = event.pitches.filter(status="published").count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo event “{event.title}” loaded: {registrations} participants, "
                f"{pitches} published pitches."
            )
        )
        if timeline.is_day:
            self.stdout.write(Day.summary(event, now))
        self.print_screens(event)
        accounts = ", ".join(
            a["email"] for a in (data.BUYER_ACCOUNT, data.ESS_ACCOUNT, data.ORGANISER_ACCOUNT)
        )
        self.stdout.write(f"Demo accounts: {accounts} (password: {data.DEMO_PASSWORD})")

    def print_screens(self, event: Event) -> None:
        for screen in VenueScreen.objects.filter(event=event, revoked_at=None).order_by("pk"):
            link = absolute_url(reverse("matching:screen", args=[screen.token]))
            self.stdout.write(f"Venue screen “{screen.name}”: {link}")
