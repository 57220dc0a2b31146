"""The RGPD export collects from every app, and no model holding personal data escapes both the
export and the deletion (the sentinel)."""

import datetime as dt
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from accounts import personal_data
from events.enums import SessionKind
from events.models import Registration, Slot, Unavailability
from matching.models import Attendance, Meeting, MeetingRequest
from pitches.models import InterestAnswer, PitchQuestion
from tests.factories import (
    PARIS,
    InterestFactory,
    PitchFactory,
    SessionFactory,
    TableFactory,
)
from workshops.models import Seat, WorkshopWish
from workshops.services import save_workshop


def _project_apps() -> list[str]:
    """Our apps (not Django's nor the libraries'), found on disk so a new app is walked too."""
    base = str(settings.BASE_DIR)
    return [
        config.label
        for config in apps.get_app_configs()
        if config.path.startswith(base) and ".venv" not in config.path
    ]


def _personal_fields(model) -> list[str]:
    """Fields that point at a person (the user, a registration) or hold free text a person wrote
    (a text field, or a long character field without choices)."""
    person_models = {apps.get_model(settings.AUTH_USER_MODEL), Registration}
    found = []
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue  # reverse relations belong to the other model
        points_at_a_person = field.is_relation and field.related_model in person_models
        free_text = isinstance(field, models.TextField) or (
            isinstance(field, models.CharField)
            and not field.choices
            and field.max_length >= 200
            and field.editable
        )
        if points_at_a_person or free_text:
            found.append(field.name)
    return found


def _links_a_person(model) -> bool:
    """A foreign key or many-to-many to the user or a registration (a many-to-many through a
    model of ours is that model's link, checked with it)."""
    person_models = {apps.get_model(settings.AUTH_USER_MODEL), Registration}
    return any(
        field.is_relation
        and not (field.auto_created and not field.concrete)
        and field.related_model in person_models
        and not (field.many_to_many and not field.remote_field.through._meta.auto_created)
        for field in model._meta.get_fields()
    )


def _project_models():
    return [m for app in _project_apps() for m in apps.get_app_config(app).get_models()]


def test_every_model_with_personal_fields_is_exported_or_declared_not_personal():
    covered = personal_data.declared("exported") | personal_data.declared("not_personal")

    missing = {
        model._meta.label: _personal_fields(model)
        for model in _project_models()
        if _personal_fields(model) and model._meta.label not in covered
    }

    assert missing == {}


def test_every_model_linking_a_person_is_handled_at_deletion():
    erased = personal_data.declared("erased")

    missing = [
        model._meta.label
        for model in _project_models()
        if _links_a_person(model) and model._meta.label not in erased
    ]

    assert missing == []


def test_no_link_to_a_person_blocks_the_deletion_of_an_account():
    person_models = {apps.get_model(settings.AUTH_USER_MODEL), Registration}
    blocking = [
        f"{model._meta.label}.{field.name}"
        for model in _project_models()
        for field in model._meta.get_fields()
        if field.concrete
        and field.many_to_one
        and field.related_model in person_models
        and field.remote_field.on_delete not in (models.CASCADE, models.SET_NULL)
    ]

    assert blocking == []


def test_declared_models_exist():
    labels = {model._meta.label for model in _project_models()}
    declared = (
        personal_data.declared("exported")
        | personal_data.declared("erased")
        | personal_data.declared("not_personal")
    )

    assert declared - labels == set()


def test_every_app_holding_personal_data_contributes_to_the_export():
    holding = {model._meta.app_label for model in _project_models() if _personal_fields(model)}

    assert sorted(personal_data.PROVIDERS) == sorted(holding)


@pytest.fixture
def everything(event, buyer, buyer_org, ess_member, ess_org):
    """Something of the ESS member's in every app."""
    registration = ess_member.registrations.get(event=event)
    Unavailability.objects.create(
        registration=registration,
        starts_at=dt.datetime(2019, 11, 26, 12, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2019, 11, 26, 13, 0, tzinfo=PARIS),
        reason="Déjeuner avec un client",
    )
    pitch = PitchFactory(event=event, buyer=buyer_org, title="Vélos cargos")
    lot = pitch.lots.create(number=1, title="Livraison du dernier kilomètre")
    screening = PitchQuestion.objects.create(pitch=pitch, text="Combien de vélos ?")
    interest = InterestFactory(
        pitch=pitch, organisation=ess_org, author=ess_member, message="Nous livrons déjà Lille."
    )
    interest.lots.add(lot)
    InterestAnswer.objects.create(interest=interest, question=screening, text="Douze")
    pitch.questions.create(organisation=ess_org, author=ess_member, text="Quel volume ?")
    request = MeetingRequest.objects.create(
        event=event,
        sender=registration,
        recipient=buyer.registrations.get(event=event),
        pitch=pitch,
        message="Parlons de vos tournées.",
        status="accepted",
    )
    block = SessionFactory(
        event=event,
        kind=SessionKind.MEETINGS,
        starts_at=dt.datetime(2019, 11, 26, 14, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2019, 11, 26, 14, 20, tzinfo=PARIS),
        slot_minutes=20,
    )
    slot = Slot.objects.create(session=block, starts_at=block.starts_at, ends_at=block.ends_at)
    meeting = Meeting.objects.create(request=request, slot=slot, table=TableFactory(event=event))
    Attendance.objects.create(meeting=meeting, registration=registration, slot=slot)
    workshop = save_workshop(
        session=SessionFactory(event=event, kind=SessionKind.WORKSHOP, title="Atelier mobilité"),
        theme=pitch.theme,
        capacity=10,
    )
    WorkshopWish.objects.create(registration=registration, workshop=workshop, rank=1)
    Seat.objects.create(registration=registration, workshop=workshop)
    return ess_member


def test_export_page_collects_from_every_app(client, everything):
    client.force_login(everything)

    response = client.get(reverse("accounts:data_export"))

    data = json.loads(response.content)
    registration = data["event_registrations"][0]
    interest = data["interests_written"][0]
    assert (
        registration["unavailabilities"][0]["reason"],
        data["meeting_requests"][0]["message"],
        data["meetings"][0]["local_time"],
        interest["message"],
        interest["answers"],
        [lot["title"] for lot in interest["lots"]],
        [q["text"] for q in data["questions_asked"]],
        [w["workshop"] for w in data["workshop_wishes"]],
        [s["workshop"] for s in data["workshop_seats"]],
    ) == (
        "Déjeuner avec un client",
        "Parlons de vos tournées.",
        "26/11/2019 14:00",
        "Nous livrons déjà Lille.",
        [{"question": "Combien de vélos ?", "answer": "Douze"}],
        ["Livraison du dernier kilomètre"],
        ["Quel volume ?"],
        ["Atelier mobilité"],
        ["Atelier mobilité"],
    )
