"""Every form of the project, fed hostile data (hypothesis): validating never raises, and every
error is a message (a non-empty text, placeholders filled), in French and in English.

The forms are found by walking the apps' modules (forms.py, views, anything): a form added
anywhere must be given its constructor arguments in FACTORIES, or test_every_form_is_fuzzed
fails. The data are drawn from each form's own fields (tests/fuzz.py): values of the field's kind
and out of its bounds, junk text, control characters, absurd dates, random files, fields missing
or repeated.
"""

import importlib
import pkgutil
from types import SimpleNamespace

import pytest
from django import forms
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz import FUZZ, as_multivalue, assert_messages, form_data

APPS = ("core", "accounts", "notifications", "events", "pitches", "workshops", "matching", "demo")


def project_forms() -> dict[str, type]:
    """Every Form and ModelForm class defined in the apps' modules, by dotted name."""
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module.name or module.name.startswith("matching.engine"):
                continue
            importlib.import_module(module.name)
    found, todo = {}, [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.split(".")[0] in APPS:
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


# --- What each form is built with (as its view builds it) ---------------------------------------


def _pitch(w):
    from pitches.models import Lot, PitchQuestion
    from tests.factories import PitchFactory

    if not hasattr(w, "pitch"):
        w.pitch = PitchFactory(event=w.event, buyer=w.buyer_org)
        Lot.objects.create(pitch=w.pitch, number=1, title="Goûters")
        PitchQuestion.objects.create(pitch=w.pitch, text="Capacité ?", required=True)
    return w.pitch


def _slots(w):
    from events.models import Slot
    from tests.factories import MeetingBlockFactory, SlotFactory

    if not hasattr(w, "slots"):
        block = MeetingBlockFactory(event=w.event)
        first = SlotFactory(session=block)
        SlotFactory(session=block, starts_at=first.ends_at)
        w.slots = Slot.objects.filter(session__event=w.event)
    return w.slots


def _workshops(w):
    from tests.workshops.conftest import make_workshop

    if not hasattr(w, "workshops"):
        w.workshops = [
            make_workshop(w.event, "Atelier A"),
            make_workshop(w.event, "Atelier B", start=(9, 0), end=(10, 0)),
        ]
    return w.workshops


def _registrations(w):
    from events.models import Registration

    return Registration.objects.filter(event=w.event)


def _survey_items(w):
    from events import surveys
    from events.models import Registration

    _workshops(w)
    registration = Registration.objects.get(event=w.event, user=w.users["ess_admin"])
    items = surveys.survey_items(registration)
    return items or [SimpleNamespace(key="workshop-1", usefulness=None, comment="")]


def _ideas(w):
    from tests.factories import BoardFactory, HeadingFactory, IdeaFactory

    if not hasattr(w, "ideas"):
        board = BoardFactory(workshop=_workshops(w)[0])
        w.headings = [HeadingFactory(board=board), HeadingFactory(board=board)]
        w.ideas = [IdeaFactory(board=board), IdeaFactory(board=board)]
    return w.ideas


def _preferences(w):
    from notifications import services

    return services.preferences(w.users["buyer"])


def _ess_orgs(w):
    return [w.ess_org]


def _two_orgs(w):
    from tests.factories import OrganisationFactory

    if not hasattr(w, "second_org"):
        w.second_org = OrganisationFactory()
    return [w.ess_org, w.second_org]


NONE = lambda w: {}  # noqa: E731

FACTORIES = {
    "accounts.forms.SignupExtraForm": NONE,
    "accounts.forms.OrganisationForm": NONE,
    "accounts.forms.InvitationForm": NONE,
    "accounts.forms.RoleForm": NONE,
    "accounts.forms.ProfileForm": lambda w: {"instance": w.users["buyer"]},
    "accounts.forms.DeleteAccountForm": lambda w: {"user": w.users["buyer"]},
    "core.forms.BoundedForm": NONE,
    "events.forms.EventForm": NONE,
    "events.forms.PhaseForm": NONE,
    "events.forms.OrganiserForm": NONE,
    "events.forms.RoomForm": NONE,
    "events.forms.TableForm": NONE,
    "events.forms.BulkTablesForm": NONE,
    "events.forms.SessionForm": lambda w: {"event": w.event},
    "events.forms.UnavailabilityForm": lambda w: {"event": w.event},
    "events.forms.RegistrationForm": lambda w: {"user": w.users["ess_admin"]},
    "events.forms.OnBehalfForm": NONE,
    "events.forms.ImportForm": NONE,
    "events.forms.RefuseForm": NONE,
    "events.forms.FeedbackForm": NONE,
    "events.forms.SurveyForm": lambda w: {"items": _survey_items(w)},
    "matching.forms.ParticipantFilterForm": NONE,
    "matching.forms.RequestForm": lambda w: {
        "recipients": _registrations(w),
        "pitches": [_pitch(w)],
        "allowed_pitches": type(_pitch(w)).objects.filter(event=w.event),
    },
    "matching.forms.DeclineForm": NONE,
    "matching.forms.SlotForm": lambda w: {
        "slots": list(_slots(w)),
        "allowed": _slots(w),
        "time_zone": w.event.tzinfo,
        "optional": True,
    },
    "matching.forms.SettingsForm": NONE,
    "matching.forms.FollowUpForm": NONE,
    "matching.views.day.PartnerForm": NONE,
    "matching.views.day.OutcomeForm": NONE,
    "matching.views.screen.ScreenForm": NONE,
    "matching.views.console.PlaceForm": lambda w: {"event": w.event},
    "matching.views.console.CompareForm": lambda w: {"numbers": [1, 2, 3]},
    "notifications.forms.PreferencesForm": lambda w: {"choices": _preferences(w)},
    "pitches.forms.PitchForm": lambda w: {
        "buyers": type(w.buyer_org).objects.filter(pk__in=[w.buyer_org.pk, _two_orgs(w)[1].pk])
    },
    "pitches.forms.LotForm": NONE,
    "pitches.forms.PitchQuestionForm": NONE,
    "pitches.forms.AttachmentForm": NONE,
    "pitches.forms.ConsultationForm": NONE,
    "pitches.forms.InterestForm": lambda w: {"pitch": _pitch(w), "organisations": _two_orgs(w)},
    "pitches.forms.DeclineForm": NONE,
    "pitches.forms.QuestionForm": lambda w: {"organisations": _two_orgs(w)},
    "pitches.forms.AnswerForm": NONE,
    "pitches.forms.WithdrawPitchForm": NONE,
    "workshops.forms.WishesForm": lambda w: {"workshops": _workshops(w), "max_wants": 2},
    "workshops.forms.IdeaForm": NONE,
    "workshops.forms.CommentForm": NONE,
    "workshops.forms.VoteForm": NONE,
    "workshops.forms.HeadingForm": NONE,
    "workshops.forms.ModerateForm": lambda w: {"headings": (_ideas(w), w.headings)[1]},
    "workshops.forms.MergeForm": lambda w: {"ideas": _ideas(w)},
    "workshops.forms.BoardSettingsForm": NONE,
}


def test_every_form_is_fuzzed():
    """A new form anywhere in the apps must be listed in FACTORIES (with its arguments)."""
    assert sorted(project_forms()) == sorted(FACTORIES)


def build(name: str, world, data=None, files=None):
    return project_forms()[name](data, files, **FACTORIES[name](world))


@pytest.fixture
def fuzz_world(world):
    """The access matrix's world; each factory adds what its form needs once."""
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FACTORIES))
@FUZZ
@given(drawn=st.data(), language=st.sampled_from(["fr", "en"]))
@example(drawn=None, language="fr")  # nothing posted at all
def test_form_never_raises_and_errors_are_messages(fuzz_world, name, drawn, language):
    blank = build(name, fuzz_world)
    if drawn is None:
        data, files = {}, {}
    else:
        data, files = drawn.draw(form_data(blank), label="data, files")
    with translation.override(language):
        form = build(name, fuzz_world, as_multivalue(data), as_multivalue(files))
        valid = form.is_valid()
        assert_messages(form.errors)
        assert valid == (not form.errors)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_required_field_errors_are_translated(fuzz_world, name):
    """Posted empty, a form's errors are messages in French under French and in English under
    English (each message differs between the two)."""
    by_language = {}
    for language in ("fr", "en"):
        with translation.override(language):
            form = build(name, fuzz_world, {"unexpected-field": ""}, {})
            form.is_valid()
            assert_messages(form.errors)
            by_language[language] = {
                field: [str(m) for m in messages] for field, messages in form.errors.items()
            }
    assert by_language["fr"].keys() == by_language["en"].keys()
    for field, french in by_language["fr"].items():
        for fr_message, en_message in zip(french, by_language["en"][field], strict=True):
            assert fr_message != en_message, (name, field, fr_message)
