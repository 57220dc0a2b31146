"""Importing participants and their organisations from a spreadsheet: what the file's columns mean,
what each row asks for, and what is wrong with it, in the organiser's words. Reads only: the rows
it reads are written by `events.services.import_people` (a loop over `register_on_behalf`, which
creates organisations through `accounts.services.create_organisation`).

The flow (events/views.py): the organiser uploads a CSV or XLSX file (read by
`core.spreadsheets.read_table`, within LIMITS); `read_rows` maps its header to COLUMNS (French or
English names, case, accents, spaces and punctuation aside) and checks every row with the rules
where they live (SIRET: `accounts.forms.clean_siret`; lengths: the model fields; maximum of
meetings: the registration form's field); `preview` then runs the import for real in a transaction
that is rolled back, so what the services refuse (a person already registered, an account that is
not a member of the organisation...) is said too. Nothing is imported while any row is wrong. The
file's table waits in the organiser's session (`keep`), behind a token, for an hour; confirming
runs the same checks again and imports every row in one transaction.
"""

import contextlib
import datetime as dt
import re
import secrets
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.enums import (
    BuyerKind,
    DisabilityType,
    InsertionType,
    LegalForm,
    OrganisationKind,
    Size,
    ThemeCode,
)
from accounts.forms import clean_siret
from accounts.models import Organisation, Territory, Theme, User
from core.spreadsheets import Row

from . import services
from .enums import RegistrationRole
from .forms import IMPORT_LIMITS, RegistrationForm
from .models import Event
from .services import NewOrganisation

LIMITS = IMPORT_LIMITS
PENDING_HOURS = 1
SESSION_KEY = "events.import"

# Separators between several themes or territories in one cell.
_LIST_SEPARATORS = re.compile(r"\s*[,;|/\n]\s*")


def normalise(text: str) -> str:
    """`text` without accents, case, spaces and punctuation: "Prénom " and "PRENOM" are alike."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "", text.casefold())


def _in_each_language(text) -> set[str]:
    """`text` (lazy) as it reads in every language of the site, normalised."""
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(normalise(str(text)))
    return names


# --- The columns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    aliases: tuple[str, ...] = ()
    required: bool = False

    def names(self) -> set[str]:
        """Every header that means this column: its label in each language, its aliases."""
        return _in_each_language(self.label) | {
            normalise(alias) for alias in (self.key, *self.aliases)
        }


# Each column: its key, its label (the template's header, in the organiser's language), and the
# other names it goes by in French and English. Any of them is recognised whatever the case, the
# accents, the spaces and the punctuation.
COLUMNS = (
    Column(
        "email",
        gettext_lazy("Email address"),
        ("email", "e-mail", "mail", "courriel", "adresse e-mail", "adresse électronique"),
        required=True,
    ),
    Column("first_name", gettext_lazy("First name"), ("prénom", "given name")),
    Column(
        "last_name", gettext_lazy("Last name"), ("nom", "nom de famille", "surname", "family name")
    ),
    Column(
        "phone",
        gettext_lazy("Phone"),
        ("téléphone", "tél", "tel", "phone number", "mobile", "portable", "numéro de téléphone"),
    ),
    Column("job_title", gettext_lazy("Job title"), ("fonction", "poste", "position")),
    Column("language", gettext_lazy("Language"), ("langue", "lang")),
    Column("role", gettext_lazy("Role at the event"), ("rôle", "rôle à l'événement", "profil")),
    Column(
        "organisation",
        gettext_lazy("Organisation name"),
        (
            "nom de l'organisation",
            "organisation",
            "organization",
            "organization name",
            "structure",
            "nom de la structure",
            "raison sociale",
            "organisme",
            "entreprise",
            "company",
        ),
    ),
    Column("siret", gettext_lazy("SIRET"), ("n° SIRET", "numéro SIRET", "SIRET number")),
    Column(
        "kind",
        gettext_lazy("Organisation type"),
        ("type d'organisation", "type", "kind", "type de structure", "organization type"),
    ),
    Column("buyer_kind", gettext_lazy("Type of buyer"), ("type d'acheteur", "buyer type")),
    Column("legal_form", gettext_lazy("Legal form"), ("forme juridique", "statut juridique")),
    Column(
        "insertion_type",
        gettext_lazy("Insertion type"),
        ("type d'insertion", "type d'insertion (SIAE)", "SIAE", "type de SIAE"),
    ),
    Column(
        "disability_type",
        gettext_lazy("Disability type"),
        (
            "type d'entreprise du handicap",
            "entreprise du handicap",
            "EA/ESAT",
            "EA ou ESAT",
            "handicap",
        ),
    ),
    Column("esus", gettext_lazy("ESUS agreement"), ("agrément ESUS", "ESUS", "agréée ESUS")),
    Column("themes", gettext_lazy("Themes"), ("thèmes", "thème", "theme", "thématiques")),
    Column(
        "territories",
        gettext_lazy("Territory served"),
        ("territoire d'intervention", "territoire", "territoires", "territory", "territories"),
    ),
    Column("size", gettext_lazy("Size"), ("effectif", "taille", "headcount")),
    Column("website", gettext_lazy("Website"), ("site web", "site internet", "site", "url")),
    Column(
        "max_meetings",
        gettext_lazy("Maximum number of meetings"),
        ("nombre maximal de rendez-vous", "rendez-vous maximum", "max meetings"),
    ),
    Column(
        "accessible_table",
        gettext_lazy("Accessible table"),
        ("table accessible", "besoin d'une table accessible", "needs an accessible table"),
    ),
    Column(
        "accessibility_needs",
        gettext_lazy("Other accessibility needs"),
        ("autres besoins d'accessibilité", "besoins d'accessibilité", "accessibility needs"),
    ),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}

# Columns that describe the organisation: read on its first row when it is new.
ORGANISATION_COLUMNS = (
    "organisation",
    "kind",
    "buyer_kind",
    "legal_form",
    "insertion_type",
    "disability_type",
    "esus",
    "themes",
    "territories",
    "size",
    "website",
)
ROLE_KINDS = {
    RegistrationRole.BUYER: OrganisationKind.BUYER,
    RegistrationRole.ESS: OrganisationKind.ESS,
}
ESS_ONLY = ("legal_form", "insertion_type", "disability_type", "esus")
BUYER_ONLY = ("buyer_kind",)

YES = {normalise(word) for word in ("oui", "yes", "o", "y", "x", "1", "vrai", "true")}
NO = {normalise(word) for word in ("non", "no", "n", "0", "faux", "false")}


def _names_table() -> dict[str, str]:
    table = {}
    for column in COLUMNS:
        for name in column.names():
            table.setdefault(name, column.key)
    return table


def column_for(header: str) -> str | None:
    """The key of the column a header names, or None; "SIRET (14 chiffres)" reads as "SIRET"."""
    names = _names_table()
    key = names.get(normalise(header))
    if key is None and "(" in header:
        key = names.get(normalise(re.sub(r"\(.*?\)", "", header)))
    return key


# --- Values of the choice columns ------------------------------------------------------------


class Choices:
    """The values a choice column accepts: each value's code, its label in every language, and
    the label's short form (what comes before a parenthesis or an "and": "SCOP", "Alimentation").
    A short form that would name two values names none."""

    def __init__(self, choices: Iterable[tuple[str, Promise]], extra: dict[str, str] | None = None):
        self.choices = [(value, label) for value, label in choices if value != ""]
        table: dict[str, set[str]] = defaultdict(set)
        for value, label in self.choices:
            table[normalise(value)].add(value)
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    text = str(label)
                table[normalise(text)].add(value)
                head = text.split("(")[0]
                table[normalise(head)].add(value)
                for part in re.split(r",| et | and | ou | or ", head):
                    table[normalise(part)].add(value)
        for alias, value in (extra or {}).items():
            table[normalise(alias)].add(value)
        self.table = {
            name: values.pop() for name, values in table.items() if len(values) == 1 and name
        }

    def get(self, text: str) -> str | None:
        return self.table.get(normalise(text))

    def labels(self) -> str:
        return ", ".join(str(label) for _value, label in self.choices)


def _choices() -> dict[str, Choices]:
    """Built per request: the labels follow the languages' catalogues."""
    return {
        "kind": Choices(
            OrganisationKind.choices,
            {
                "ESS": OrganisationKind.ESS,
                "structure ESS": OrganisationKind.ESS,
                "acheteur public": OrganisationKind.BUYER,
                "public buyer": OrganisationKind.BUYER,
            },
        ),
        "buyer_kind": Choices(BuyerKind.choices),
        "legal_form": Choices(LegalForm.choices, {"ESUS": LegalForm.ESUS_COMPANY}),
        "insertion_type": Choices(InsertionType.choices),
        "disability_type": Choices(DisabilityType.choices),
        "size": Choices(Size.choices),
        "themes": Choices(ThemeCode.choices),
        "role": Choices(
            RegistrationRole.choices,
            {
                "ESS": RegistrationRole.ESS,
                "animateur": RegistrationRole.FACILITATOR,
                "animatrice": RegistrationRole.FACILITATOR,
                "facilitator": RegistrationRole.FACILITATOR,
            },
        ),
        "language": Choices(settings.LANGUAGES, {"français": "fr", "anglais": "en"}),
    }


# --- Rows ------------------------------------------------------------------------------------


@dataclass
class ImportRow:
    line: int
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    job_title: str = ""
    language: str = ""
    role: str | None = None
    siret: str = ""
    organisation_name: str = ""
    # The organisation of Osez with the row's SIRET, reused as it is...
    organisation: Organisation | None = None
    # ...or the one the import creates: on its first row (later rows of the same SIRET point to
    # that row through `organisation_line`).
    new_organisation: NewOrganisation | None = None
    organisation_line: int | None = None
    max_meetings: int | None = None
    needs_accessible_table: bool = False
    accessibility_needs: str = ""
    person: User | None = None  # the existing account with this email, reused
    problems: list[str] = field(default_factory=list)

    @property
    def person_name(self) -> str:
        if self.person is not None:
            return self.person.get_full_name()
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def organisation_label(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        return self.organisation_name

    @property
    def role_label(self) -> str:
        """The role of a person without an organisation (theirs follows it otherwise)."""
        return str(RegistrationRole(self.role or RegistrationRole.VISITOR).label)

    def service_arguments(self) -> dict:
        """What `events.services.register_on_behalf` takes for this row (the organisation aside)."""
        return {
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "phone": self.phone,
            "job_title": self.job_title,
            "language": self.language,
            "role": self.role,
            "max_meetings": self.max_meetings,
            "needs_accessible_table": self.needs_accessible_table,
            "accessibility_needs": self.accessibility_needs,
        }


@dataclass
class Plan:
    """What a file asks for: problems with the file itself (then no row is read), the columns
    ignored, and the rows."""

    file_problems: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)

    @property
    def problem_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.problems]

    @property
    def ready(self) -> bool:
        return bool(self.rows) and not self.file_problems and not self.problem_rows

    @property
    def new_people(self) -> int:
        return sum(1 for row in self.rows if row.person is None)

    @property
    def new_organisations(self) -> int:
        return sum(1 for row in self.rows if row.new_organisation is not None)

    @property
    def reused_organisations(self) -> int:
        return len({row.organisation.pk for row in self.rows if row.organisation is not None})


def _label(key: str) -> str:
    return str(COLUMNS_BY_KEY[key].label)


def _say(row: ImportRow, key: str, problem) -> None:
    """A problem with one cell, said with the column's name."""
    row.problems.append(_("%(column)s: %(problem)s") % {"column": _label(key), "problem": problem})


def describe(error: ValidationError) -> list[str]:
    """A service's refusal as sentences; an organisation field's errors named by its label (the
    services' other messages name what they are about)."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    fields = {
        f.name: f.verbose_name
        for f in Organisation._meta.get_fields()
        if hasattr(f, "verbose_name")
    }
    sentences = []
    for name, errors in error.error_dict.items():
        for message in (m for e in errors for m in e.messages):
            if name in fields:
                message = _("%(column)s: %(problem)s") % {
                    "column": capfirst(fields[name]),
                    "problem": message,
                }
            sentences.append(message)
    return sentences


def _clean(row: ImportRow, key: str, form_field: forms.Field, value: str):
    try:
        return form_field.clean(value)
    except ValidationError as error:
        for message in error.messages:
            _say(row, key, message)
        return None


def _text_field(model, name: str, required: bool = False) -> forms.CharField:
    """A form field bounded as the model's column is."""
    return forms.CharField(max_length=model._meta.get_field(name).max_length, required=required)


def _choice(row: ImportRow, key: str, value: str, choices: Choices) -> str:
    if not value:
        return ""
    found = choices.get(value)
    if found is None:
        _say(
            row,
            key,
            _("“%(value)s” is not in the list. Write one of: %(accepted)s.")
            % {"value": value, "accepted": choices.labels()},
        )
        return ""
    return found


def _yes_no(row: ImportRow, key: str, value: str) -> bool:
    name = normalise(value)
    if not name or name in NO:
        return False
    if name in YES:
        return True
    _say(
        row,
        key,
        _("“%(value)s”: write yes or no (or leave it empty for no).") % {"value": value},
    )
    return False


def _zeros(siret: str) -> str:
    """A hint for a SIRET that lost its leading zeros in a spreadsheet's number column."""
    if siret.isdigit() and 9 <= len(siret) < 14:
        return " " + _(
            "It has %(count)s digits: a spreadsheet drops the zeros a number starts with unless "
            "its column is formatted as text."
        ) % {"count": len(siret)}
    return ""


def _split(value: str) -> list[str]:
    return [part for part in _LIST_SEPARATORS.split(value) if part]


@dataclass
class _Lookups:
    """What the rows refer to, fetched once for the whole file."""

    users: dict[str, User]
    organisations: dict[str, Organisation]
    themes: dict[str, Theme]
    territory_codes: dict[str, Territory]
    territory_names: dict[str, list[Territory]]


def _lookups(emails: set[str], sirets: set[str], territory_words: set[str]) -> _Lookups:
    users = {
        user.email_lower: user
        for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    }
    organisations = {o.siret: o for o in Organisation.objects.filter(siret__in=sirets)}
    themes = {theme.code: theme for theme in Theme.objects.all()}
    codes = {word.upper() for word in territory_words}
    names = {word.casefold() for word in territory_words}
    territory_codes: dict[str, Territory] = {}
    territory_names: dict[str, list[Territory]] = defaultdict(list)
    if territory_words:
        found = Territory.objects.annotate(name_lower=Lower("name")).filter(
            Q(code__in=codes) | Q(name_lower__in=names)
        )
        for territory in found.order_by("code"):
            territory_codes[territory.code.upper()] = territory
            territory_names[territory.name.casefold()].append(territory)
    return _Lookups(users, organisations, themes, territory_codes, territory_names)


def _territories(row: ImportRow, value: str, lookups: _Lookups) -> list[Territory]:
    found = []
    for word in _split(value):
        territory = lookups.territory_codes.get(word.upper())
        if territory is None:
            named = lookups.territory_names.get(word.casefold(), [])
            if len(named) > 1:
                _say(
                    row,
                    "territories",
                    _(
                        "several territories are called “%(name)s”: write the code of the one you mean (%(codes)s)."
                    )
                    % {"name": word, "codes": ", ".join(t.code for t in named[:5])},
                )
                continue
            territory = named[0] if named else None
        if territory is None:
            _say(
                row,
                "territories",
                _(
                    "“%(value)s” is not a known territory. Write its code: R32 for a region, 59 for "
                    "a department, the SIREN of an intermunicipality, the INSEE code of a commune."
                )
                % {"value": word},
            )
            continue
        found.append(territory)
    return found


def _themes(row: ImportRow, value: str, choices: Choices, lookups: _Lookups) -> list[Theme]:
    themes = []
    for word in _split(value):
        code = _choice(row, "themes", word, choices)
        if code:
            themes.append(lookups.themes.get(code) or Theme(code=code))
    return themes


def _header(plan: Plan, header: list[str]) -> dict[str, int]:
    """Which column of the file holds each known column; problems with the header in `plan`."""
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        if not title:
            continue
        key = column_for(title)
        if key is None:
            plan.ignored_columns.append(title)
        elif key in positions:
            plan.file_problems.append(
                _(
                    "Two columns of the file say the same thing (%(column)s): “%(first)s” and “%(second)s”. Keep one."
                )
                % {"column": _label(key), "first": header[positions[key]], "second": title}
            )
        else:
            positions[key] = index
    for column in COLUMNS:
        if column.required and column.key not in positions:
            plan.file_problems.append(
                _(
                    "The column “%(column)s” is missing. The first line of the file must name the columns, as in the template."
                )
                % {"column": column.label}
            )
    if "organisation" in positions and "siret" not in positions:
        plan.file_problems.append(
            _(
                "The column “%(column)s” is missing: organisations are found, or created, by their SIRET."
            )
            % {"column": _label("siret")}
        )
    return positions


@dataclass
class _Reader:
    """What reading the rows of one file needs: the lookups, the choices, the form fields, and
    what earlier rows said (new organisations' first rows, lines of each email)."""

    lookups: _Lookups
    choices: dict[str, Choices] = field(default_factory=_choices)
    first_rows: dict[str, ImportRow] = field(default_factory=dict)
    lines_by_email: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def person(self, row: ImportRow, values: dict[str, str]) -> str:
        """Read the person's columns into `row`; returns the role asked for (or "")."""
        if not values["email"]:
            _say(row, "email", _("missing: every row needs the person's email address."))
        else:
            email_field = forms.EmailField(max_length=User._meta.get_field("email").max_length)
            row.email = _clean(row, "email", email_field, values["email"]) or ""
        if row.email:
            self.lines_by_email[row.email.casefold()].append(row.line)
            row.person = self.lookups.users.get(row.email.casefold())
        for name in ("first_name", "last_name", "phone", "job_title"):
            setattr(row, name, _clean(row, name, _text_field(User, name), values[name]) or "")
        row.language = _choice(row, "language", values["language"], self.choices["language"])
        registration_fields = RegistrationForm.base_fields
        row.max_meetings = _clean(
            row, "max_meetings", registration_fields["max_meetings"], values["max_meetings"]
        )
        row.needs_accessible_table = _yes_no(row, "accessible_table", values["accessible_table"])
        needs = values["accessibility_needs"]
        row.accessibility_needs = (
            _clean(row, "accessibility_needs", registration_fields["accessibility_needs"], needs)
            or ""
        )
        return _choice(row, "role", values["role"], self.choices["role"])

    def organisation(self, row: ImportRow, values: dict[str, str], role: str) -> None:
        """Read the organisation's columns into `row`: none, one of Osez (by SIRET), one created
        by an earlier row, or a new one."""
        row.organisation_name = values["organisation"]
        if values["siret"]:
            try:
                row.siret = clean_siret(values["siret"])
            except ValidationError as error:
                for message in error.messages:
                    problem = _("“%(value)s”: %(problem)s") % {
                        "value": values["siret"],
                        "problem": message + _zeros(values["siret"]),
                    }
                    _say(row, "siret", problem)
        elif values["organisation"]:
            _say(
                row,
                "siret",
                _("missing for “%(name)s”: an organisation is found, or created, by its SIRET.")
                % {"name": values["organisation"]},
            )
        kind = _choice(row, "kind", values["kind"], self.choices["kind"])
        role_kind = ROLE_KINDS.get(role, "")
        if not values["siret"] and not values["organisation"]:
            if kind or role_kind:
                row.problems.append(
                    _(
                        "A buyer or an ESS structure takes part with their organisation: give its "
                        "SIRET (and its name when it is new to Osez)."
                    )
                )
            row.role = role or None
            return
        if kind and role_kind and kind != role_kind:
            row.problems.append(
                _("The role “%(role)s” does not fit the type “%(kind)s”.")
                % {"role": RegistrationRole(role).label, "kind": OrganisationKind(kind).label}
            )
        elif role and not role_kind:
            _say(
                row,
                "role",
                _(
                    "someone registered with an organisation takes part as a buyer or an ESS "
                    "structure, as their organisation is; leave it empty or remove the "
                    "organisation."
                ),
            )
        kind = kind or role_kind
        existing = self.lookups.organisations.get(row.siret) if row.siret else None
        first = self.first_rows.get(row.siret) if row.siret else None
        if existing is not None:
            row.organisation = existing
            if kind and kind != existing.kind:
                row.problems.append(
                    _(
                        "The organisation with this SIRET, “%(name)s”, is registered in Osez as "
                        "“%(kind)s”, not “%(other)s”."
                    )
                    % {
                        "name": existing.name,
                        "kind": existing.get_kind_display(),
                        "other": OrganisationKind(kind).label,
                    }
                )
        elif first is not None:
            row.organisation_line = first.line
            row.organisation_name = row.organisation_name or first.organisation_name
            first_kind = first.new_organisation.kind if first.new_organisation else ""
            if kind and first_kind and kind != first_kind:
                row.problems.append(
                    _("Line %(line)s gives this SIRET the type “%(kind)s”, this line “%(other)s”.")
                    % {
                        "line": first.line,
                        "kind": OrganisationKind(first_kind).label,
                        "other": OrganisationKind(kind).label,
                    }
                )
        else:
            if row.siret:
                self.first_rows[row.siret] = row
            row.new_organisation = _new_organisation(row, kind, values, self.choices, self.lookups)

    def duplicates(self, rows: list[ImportRow]) -> None:
        """One line per person: an email on several lines is a problem on each of them."""
        for lines in self.lines_by_email.values():
            if len(lines) < 2:
                continue
            for row in rows:
                if row.line in lines:
                    others = [str(line) for line in lines if line != row.line]
                    row.problems.append(
                        ngettext(
                            "The same email address is also on line %(lines)s of the file: one "
                            "line per person.",
                            "The same email address is also on lines %(lines)s of the file: one "
                            "line per person.",
                            len(others),
                        )
                        % {"lines": get_text_list(others, _("and"))}
                    )


def read_rows(table: Sequence[Row]) -> Plan:
    """What the file's table (`core.spreadsheets.read_table`) asks for, row by row, with each
    row's problems. Reads the database (accounts and organisations it names), writes nothing."""
    plan = Plan()
    (_header_line, header), *body = table
    positions = _header(plan, header)
    if plan.file_problems:
        return plan
    if not body:
        plan.file_problems.append(_("The file has a header line but no participant."))
        return plan

    def values_of(cells: list[str]) -> dict[str, str]:
        values = {}
        for column in COLUMNS:
            index = positions.get(column.key)
            values[column.key] = (
                cells[index].strip() if index is not None and index < len(cells) else ""
            )
        return values

    body_values = [(line, values_of(cells)) for line, cells in body]
    sirets = set()
    for _line, values in body_values:
        with contextlib.suppress(ValidationError):
            sirets.add(clean_siret(values["siret"]))
    reader = _Reader(
        lookups=_lookups(
            emails={values["email"].casefold() for _line, values in body_values},
            sirets=sirets,
            territory_words={
                w for _l, values in body_values for w in _split(values["territories"])
            },
        )
    )
    for line, values in body_values:
        row = ImportRow(line=line)
        plan.rows.append(row)
        role = reader.person(row, values)
        reader.organisation(row, values, role)
    reader.duplicates(plan.rows)
    return plan


def _new_organisation(
    row: ImportRow, kind: str, values: dict, choices: dict, lookups: _Lookups
) -> NewOrganisation | None:
    """The organisation a row's new SIRET creates, from the row's organisation columns (read
    for their problems even when the SIRET or the type is wrong)."""
    if row.siret and not values["organisation"]:
        _say(
            row,
            "organisation",
            _("missing: no organisation of Osez has this SIRET, so the file must give its name."),
        )
    if not kind and not values["kind"]:
        _say(
            row,
            "kind",
            _(
                "missing: say whether this new organisation is a buyer or an ESS structure (in "
                "this column or in “%(role)s”)."
            )
            % {"role": _label("role")},
        )
    name = _clean(row, "organisation", _text_field(Organisation, "name"), values["organisation"])
    data = {"name": name or "", "siret": row.siret}
    for key in ("buyer_kind", "legal_form", "insertion_type", "disability_type", "size"):
        data[key] = _choice(row, key, values[key], choices[key])
    data["esus_agreed"] = _yes_no(row, "esus", values["esus"])
    website = forms.URLField(
        max_length=Organisation._meta.get_field("website").max_length, required=False
    )
    data["website"] = _clean(row, "website", website, values["website"]) or ""
    themes = _themes(row, values["themes"], choices["themes"], lookups)
    territories = _territories(row, values["territories"], lookups)
    if kind == OrganisationKind.BUYER:
        wrong, message = ESS_ONLY, _("for ESS structures only; this organisation is a buyer.")
    else:
        wrong, message = BUYER_ONLY, _("for buyers only; this organisation is an ESS structure.")
    for key in wrong if kind else ():
        if normalise(values[key]) not in NO | {""}:
            _say(row, key, message)
    if not kind:
        return None
    return NewOrganisation(kind=kind, data=data, themes=themes, territories=territories)


def run(*, event: Event, by: User, table: Sequence[Row], commit: bool) -> tuple[Plan, bool]:
    """Read the table's rows and hand the good ones to `services.import_people`: a preview
    (`commit=False`: the services run and everything is rolled back) or the import itself, which
    keeps nothing unless every row is fine. The services' refusals join the rows' problems.
    Returns the plan and whether the people were imported."""
    plan = read_rows(table)
    if plan.file_problems:
        return plan, False
    good = [row for row in plan.rows if not row.problems]
    # Rows of a new organisation whose first row is wrong cannot be tried on their own.
    wrong_lines = {row.line for row in plan.problem_rows}
    good = [row for row in good if row.organisation_line not in wrong_lines]
    outcome = services.import_people(
        event=event, by=by, rows=good, commit=commit and len(good) == len(plan.rows)
    )
    by_line = {row.line: row for row in plan.rows}
    for line, error in outcome.refusals.items():
        by_line[line].problems.extend(describe(error))
    return plan, outcome.imported


# --- The template --------------------------------------------------------------------------


def column_help() -> list[tuple[str, bool, str]]:
    """Each column with whether it is required and what to write in it, in the current language."""
    choices = _choices()
    helps = {
        "email": _(
            "The person's address. An account with this address is reused as it is; a new person receives an email to choose a password."
        ),
        "first_name": _("For a new person."),
        "last_name": _("For a new person."),
        "phone": _("For a new person."),
        "job_title": _("For a new person."),
        "language": _("The language of a new person's emails: %(values)s. Empty: yours.")
        % {"values": choices["language"].labels()},
        "role": _(
            "%(values)s. With an organisation, the role follows its type; without one, visitor unless you write facilitator."
        )
        % {"values": choices["role"].labels()},
        "organisation": _("Required for an organisation new to Osez."),
        "siret": _(
            "14 digits, spaces allowed. An organisation already in Osez with this SIRET is reused as it is; several people of one organisation give the same SIRET."
        ),
        "kind": _("For a new organisation: %(values)s.") % {"values": choices["kind"].labels()},
        "buyer_kind": _("Buyers only: %(values)s.") % {"values": choices["buyer_kind"].labels()},
        "legal_form": _("ESS structures only: %(values)s.")
        % {"values": choices["legal_form"].labels()},
        "insertion_type": _("ESS structures only: %(values)s.")
        % {"values": choices["insertion_type"].labels()},
        "disability_type": _("ESS structures only: %(values)s.")
        % {"values": choices["disability_type"].labels()},
        "esus": _("ESS structures only: yes or no."),
        "themes": _("Several, separated by commas: %(values)s.")
        % {"values": choices["themes"].labels()},
        "territories": _(
            "Codes separated by commas: R32 for a region, 59 for a department, the SIREN of an intermunicipality, the INSEE code of a commune (or its exact name)."
        ),
        "size": _("One of: %(values)s.") % {"values": choices["size"].labels()},
        "website": _("Its address, such as https://example.org."),
        "max_meetings": _("From 1 to 40; empty for no limit."),
        "accessible_table": _("yes or no; empty for no."),
        "accessibility_needs": _("Free text."),
    }
    return [(str(column.label), column.required, helps[column.key]) for column in COLUMNS]


def template_sheets() -> list[tuple[str, list[str], list]]:
    """The import template (its header in the current language) and a sheet of help, as
    `core.spreadsheets.xlsx_bytes` takes them."""
    header = [str(column.label) for column in COLUMNS]
    help_rows = [
        (label, _("yes") if required else "", text) for label, required, text in column_help()
    ]
    return [
        (_("Participants"), header, []),
        (_("Help"), [_("Column"), _("Required"), _("What to write")], help_rows),
    ]


# --- The table kept between the preview and the confirmation ---------------------------------


def keep(session, event: Event, table: Sequence[Row], filename: str) -> str:
    """Keep the file's table in the organiser's session until they confirm (or for an hour);
    a new preview replaces it. Returns the token the confirmation must bring back."""
    token = secrets.token_urlsafe(16)
    session[SESSION_KEY] = {
        "token": token,
        "event": event.pk,
        "filename": filename,
        "until": (timezone.now() + dt.timedelta(hours=PENDING_HOURS)).isoformat(),
        "table": [[line, list(cells)] for line, cells in table],
    }
    return token


def kept(session, event: Event, token: str) -> tuple[list[Row], str] | None:
    """The table kept for `event` under `token`, with its file name; None once expired,
    replaced or used."""
    pending = session.get(SESSION_KEY)
    if (
        not pending
        or not token
        or not secrets.compare_digest(str(pending.get("token", "")), str(token))
        or pending.get("event") != event.pk
        or dt.datetime.fromisoformat(pending["until"]) < timezone.now()
    ):
        return None
    return [(line, cells) for line, cells in pending["table"]], pending.get("filename", "")


def forget(session) -> None:
    session.pop(SESSION_KEY, None)
