"""After the day: the short surveys a participant answers beside their feedback on the event.

The events app asks for feedback once, the day after (events/emails.py, FEEDBACK_REQUEST), on one
page (events:feedback). What else a person is asked about (their meetings, their workshops) only
the apps above know: they register a `SurveyProvider` here (in their AppConfig.ready()), which
lists a registration's survey items, saves an answer through its own app's service, and sums up
the answers of an event. `survey_results(event)` is the one read for the statistics.

Each item is answered with a usefulness from 1 to 5 and an optional comment (the organisers read
the comments without names).
"""

from dataclasses import dataclass, field
from typing import Protocol

USEFULNESS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class SurveyItem:
    """One question of a person's survey: `key` is "<provider>-<object id>"."""

    provider: str
    object_id: int
    heading: str
    detail: str = ""
    usefulness: int | None = None
    comment: str = ""

    @property
    def key(self) -> str:
        return f"{self.provider}-{self.object_id}"

    @property
    def answered(self) -> bool:
        return self.usefulness is not None


@dataclass(frozen=True)
class SurveyGroup:
    """The answers about one thing (a workshop) or from one kind of respondent (buyers)."""

    label: str
    answers: int
    average: float | None


@dataclass(frozen=True)
class SurveySection:
    """What a provider's answers at an event add up to."""

    provider: str
    label: str
    answers: int
    average: float | None
    # Usefulness (1-5) -> how many answers gave it.
    distribution: dict[int, int]
    groups: list[SurveyGroup] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


class SurveyProvider(Protocol):
    name: str

    def items(self, registration) -> list[SurveyItem]: ...

    def save(self, *, registration, by, object_id: int, usefulness: int, comment: str) -> None: ...

    def results(self, event) -> SurveySection: ...


PROVIDERS: dict[str, SurveyProvider] = {}


def register(provider: SurveyProvider) -> None:
    PROVIDERS.setdefault(provider.name, provider)


def survey_items(registration) -> list[SurveyItem]:
    """Every item of the registration's survey, provider by provider in registration order."""
    return [item for provider in PROVIDERS.values() for item in provider.items(registration)]


def provider(name: str) -> SurveyProvider | None:
    return PROVIDERS.get(name)


def summarise(provider_name: str, label, rows, groups=(), comments=()) -> SurveySection:
    """A section from the usefulness values `rows` (helper for providers)."""
    values = list(rows)
    distribution = {value: values.count(value) for value in USEFULNESS}
    average = round(sum(values) / len(values), 2) if values else None
    return SurveySection(
        provider=provider_name,
        label=str(label),
        answers=len(values),
        average=average,
        distribution=distribution,
        groups=list(groups),
        comments=list(comments),
    )


def group(label, values) -> SurveyGroup:
    values = list(values)
    return SurveyGroup(
        label=str(label),
        answers=len(values),
        average=round(sum(values) / len(values), 2) if values else None,
    )


def survey_results(event) -> dict:
    """The after-the-day answers of `event`, for the statistics: the feedback on the event
    (events.queries.feedback_summary: count, average, would come again, comments) and one
    SurveySection per provider (meetings, workshops): answers, average usefulness, its
    distribution from 1 to 5, groups, and comments without names."""
    from .queries import feedback_summary

    return {
        "event": feedback_summary(event),
        "sections": [provider.results(event) for provider in PROVIDERS.values()],
    }
