"""Importing participants and organisations from a CSV or XLSX file: the template, the preview of
every line's problems (nothing written), and the import itself, all or nothing, through
register_on_behalf (invitations in the outbox)."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from stdnum.fr import siret as siret_check

from accounts.enums import LegalForm, MembershipRole, OrganisationKind, ThemeCode
from accounts.models import Membership, Organisation, Territory, User
from events import emails, imports, services
from events.enums import RegistrationRole, RegistrationStatus
from events.models import Registration
from notifications.models import OutboxMessage
from tests.factories import (
    BuyerOrganisationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    valid_siret,
)

pytestmark = pytest.mark.django_db

SIRET_A = valid_siret(9_001)
SIRET_B = valid_siret(9_002)
LA_POSTE = "35600000000048"  # its SIREN is the known exception to the Luhn check

ENGLISH = [
    "Email address",
    "First name",
    "Last name",
    "Organisation name",
    "SIRET",
    "Organisation type",
    "Legal form",
    "Themes",
    "Territory served",
    "Phone",
    "Language",
]
FRENCH = [
    "Adresse e-mail",
    "Prénom",
    "Nom",
    "Nom de l'organisation",
    "SIRET",
    "Type d'organisation",
    "Forme juridique",
    "Thèmes",
    "Territoire d'intervention",
    "Téléphone",
    "Langue",
]
# Two people of a new ESS structure (the first row describes it), one buyer of a new buyer.
ROWS = [
    [
        "helene@velo.example",
        "Hélène",
        "Duprès",
        "Vélo Solidaire",
        SIRET_A,
        "ESS",
        "SCIC",
        "mobilité, Déchets",
        "59, R32",
        "06 12 34 56 78",
        "fr",
    ],
    ["remi@velo.example", "Rémi", "Lefèvre", "", SIRET_A, "", "", "", "", "", "en"],
    [
        "achats@ville.example",
        "Anne",
        "Roux",
        "Ville de Roubaix",
        SIRET_B,
        "Buyer",
        "",
        "Food",
        "",
        "",
        "",
    ],
]
FRENCH_ROWS = [
    [*ROWS[0][:5], "Structure de l'ESS", *ROWS[0][6:]],
    ROWS[1],
    [*ROWS[2][:5], "Acheteur", "", "Alimentation", "", "", ""],
]


def csv_file(header, rows, delimiter=";", encoding="utf-8", name="participants.csv"):
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows([header, *rows])
    return SimpleUploadedFile(name, text.getvalue().encode(encoding))


def xlsx_file(header, rows, name="participants.xlsx"):
    workbook = Workbook()
    for row in [header, *rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def one_row(**cells):
    """A file of one person, the columns named by their keys (English headers)."""
    header = [str(imports.COLUMNS_BY_KEY[key].label) for key in cells]
    return csv_file(header, [list(cells.values())])


def preview(client, event, upload):
    url = reverse("events:import_people", kwargs={"slug": event.slug})
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    return response


def confirm(client, event, token):
    url = reverse("events:import_confirm", kwargs={"slug": event.slug})
    return client.post(url, {"token": token})


def problems(response) -> dict[int, list[str]]:
    return {row.line: row.problems for row in response.context["plan"].rows if row.problems}


def counts():
    return (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Registration.objects.count(),
        OutboxMessage.objects.count(),
    )


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


# --- The template -------------------------------------------------------------------------------


def test_csv_template_names_the_columns_in_the_organisers_language(
    organiser_client, event, settings
):
    settings.LANGUAGE_CODE = "fr"
    url = reverse("events:import_template", kwargs={"slug": event.slug, "file_format": "csv"})

    response = organiser_client.get(url)

    text = response.content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[:4] == ["Adresse e-mail", "Prénom", "Nom", "Téléphone"]
    assert (
        response["Content-Disposition"] == 'attachment; filename="modele-import-participants.csv"'
    )
    assert len(header) == len(imports.COLUMNS)


def test_xlsx_template_has_the_columns_and_a_sheet_of_help(organiser_client, event):
    url = reverse("events:import_template", kwargs={"slug": event.slug, "file_format": "xlsx"})

    response = organiser_client.get(url)

    workbook = load_workbook(io.BytesIO(response.content))
    participants, help_sheet = workbook.worksheets
    header = [cell.value for cell in participants[1]]
    helps = {row[0]: row[1:] for row in help_sheet.iter_rows(min_row=2, values_only=True)}
    assert (participants.title, help_sheet.title) == ("Participants", "Help")
    assert header == [str(column.label) for column in imports.COLUMNS]
    assert helps["Email address"][0] == "yes"
    assert "SCIC (multi-stakeholder cooperative)" in helps["Legal form"][1]


def test_template_of_an_unknown_format_is_not_found(organiser_client, event):
    url = reverse("events:import_template", kwargs={"slug": event.slug, "file_format": "ods"})

    assert organiser_client.get(url).status_code == 404


def test_the_template_filled_in_is_ready_to_import(organiser_client, event):
    url = reverse("events:import_template", kwargs={"slug": event.slug, "file_format": "xlsx"})
    workbook = load_workbook(io.BytesIO(organiser_client.get(url).content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = dict.fromkeys(header, None) | {
        "Email address": "new@example.org",
        "Organisation name": "Régie de quartier",
        "SIRET": SIRET_A,
        "Organisation type": "ESS structure",
        "Insertion type": "ACI",
        "Accessible table": "yes",
        "Maximum number of meetings": 4,
    }
    sheet.append(list(row.values()))
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = preview(
        organiser_client, event, SimpleUploadedFile("filled.xlsx", buffer.getvalue())
    )

    plan = response.context["plan"]
    assert (plan.ready, problems(response)) == (True, {})
    new = plan.rows[0]
    assert (
        new.new_organisation.data["insertion_type"],
        new.needs_accessible_table,
        new.max_meetings,
    ) == (
        "aci",
        True,
        4,
    )


# --- Reading files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8"), (",", "utf-8"), (";", "utf-8-sig"), (";", "cp1252")],
    ids=["semicolon", "comma", "bom", "cp1252"],
)
def test_preview_reads_csv_with_either_separator_and_encoding(
    organiser_client, event, delimiter, encoding
):
    upload = csv_file(FRENCH, FRENCH_ROWS, delimiter=delimiter, encoding=encoding)

    response = preview(organiser_client, event, upload)

    plan = response.context["plan"]
    assert problems(response) == {}
    assert [(row.line, row.email, row.first_name) for row in plan.rows] == [
        (2, "helene@velo.example", "Hélène"),
        (3, "remi@velo.example", "Rémi"),
        (4, "achats@ville.example", "Anne"),
    ]


def test_preview_reads_an_xlsx_made_by_a_spreadsheet(organiser_client, event):
    rows = [[*ROWS[0][:4], int(LA_POSTE), *ROWS[0][5:]], ROWS[2]]  # a SIRET typed as a number

    response = preview(organiser_client, event, xlsx_file(ENGLISH, rows))

    plan = response.context["plan"]
    assert (plan.ready, [row.siret for row in plan.rows]) == (True, [LA_POSTE, SIRET_B])


def siret_starting_with_a_zero() -> str:
    return next(
        candidate for n in range(10**12, 10**13) if siret_check.is_valid(candidate := f"0{n}")
    )


def test_a_siret_that_lost_its_leading_zero_says_why(organiser_client, event):
    number = int(siret_starting_with_a_zero())
    rows = [[*ROWS[0][:4], number, *ROWS[0][5:]]]

    response = preview(organiser_client, event, xlsx_file(ENGLISH, rows))

    assert problems(response) == {
        2: [
            f"SIRET: “{number}”: This SIRET number is not valid: check the 14 digits. It has "
            "13 digits: a spreadsheet drops the zeros a number starts with unless its column is "
            "formatted as text."
        ]
    }


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Email", "email"),
        ("E-MAIL", "email"),
        (" courriel ", "email"),
        ("Adresse électronique", "email"),
        ("PRENOM", "first_name"),
        ("first name", "first_name"),
        ("FirstName", "first_name"),
        ("Nom", "last_name"),
        ("Nom de l’organisation", "organisation"),  # a typographic apostrophe
        ("raison sociale", "organisation"),
        ("N° SIRET", "siret"),
        ("SIRET (14 chiffres)", "siret"),
        ("forme_juridique", "legal_form"),
        ("Type d'insertion (SIAE)", "insertion_type"),
        ("EA/ESAT", "disability_type"),
        ("Thématiques", "themes"),
        ("Territoire", "territories"),
        ("Rôle", "role"),
        ("langue", "language"),
        ("Téléphone", "phone"),
        ("Comment", None),
    ],
)
def test_column_names_are_recognised_in_french_and_english(header, key):
    assert imports.column_for(header) == key


def test_preview_names_the_columns_it_ignores(organiser_client, event):
    upload = csv_file(["Email", "Commentaire"], [["a@example.org", "VIP"]])

    response = preview(organiser_client, event, upload)

    assert response.context["plan"].ignored_columns == ["Commentaire"]
    assert "Commentaire" in response.content.decode()


# --- Problems, in plain words -------------------------------------------------------------------


def test_preview_without_the_email_column_says_so(organiser_client, event):
    response = preview(organiser_client, event, csv_file(["Name", "SIRET"], [["Ana", SIRET_A]]))

    assert response.context["plan"].file_problems == [
        "The column “Email address” is missing. The first line of the file must name the "
        "columns, as in the template."
    ]


def test_preview_with_organisations_but_no_siret_column_says_so(organiser_client, event):
    upload = csv_file(["Email", "Organisation"], [["a@example.org", "Vélo"]])

    response = preview(organiser_client, event, upload)

    assert response.context["plan"].file_problems == [
        "The column “SIRET” is missing: organisations are found, or created, by their SIRET."
    ]


def test_preview_with_two_columns_of_the_same_meaning_says_so(organiser_client, event):
    upload = csv_file(["Email", "Courriel"], [["a@example.org", "b@example.org"]])

    response = preview(organiser_client, event, upload)

    assert response.context["plan"].file_problems == [
        "Two columns of the file say the same thing (Email address): “Email” and “Courriel”. "
        "Keep one."
    ]


def test_preview_of_a_header_alone_says_there_is_nobody(organiser_client, event):
    response = preview(organiser_client, event, csv_file(ENGLISH, []))

    assert response.context["plan"].file_problems == [
        "The file has a header line but no participant."
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            {"email": "", "first_name": "Ana"},
            "Email address: missing: every row needs the person's email address.",
        ),
        ({"email": "ana@"}, "Email address: Enter a valid email address."),
        (
            {
                "email": "a@example.org",
                "siret": "12345678901234",
                "organisation": "X",
                "kind": "ESS",
            },
            "SIRET: “12345678901234”: This SIRET number is not valid: check the 14 digits.",
        ),
        (
            {"email": "a@example.org", "organisation": "Vélo", "siret": "", "kind": "ESS"},
            "SIRET: missing for “Vélo”: an organisation is found, or created, by its SIRET.",
        ),
        (
            {"email": "a@example.org", "siret": SIRET_A, "kind": "ESS"},
            "Organisation name: missing: no organisation of Osez has this SIRET, so the file must "
            "give its name.",
        ),
        (
            {"email": "a@example.org", "siret": SIRET_A, "organisation": "Vélo"},
            "Organisation type: missing: say whether this new organisation is a buyer or an ESS "
            "structure (in this column or in “Role at the event”).",
        ),
        (
            {"email": "a@example.org", "siret": SIRET_A, "organisation": "V", "kind": "Club"},
            "Organisation type: “Club” is not in the list. Write one of: Buyer, ESS structure.",
        ),
        (
            {
                "email": "a@example.org",
                "siret": SIRET_A,
                "organisation": "V",
                "kind": "ESS",
                "legal_form": "SARL",
            },
            "Legal form: “SARL” is not in the list. Write one of: Association, SCOP (worker "
            "cooperative), SCIC (multi-stakeholder cooperative), Other cooperative, Mutual, "
            "Foundation, ESUS company.",
        ),
        (
            {
                "email": "a@example.org",
                "siret": SIRET_A,
                "organisation": "V",
                "kind": "ESS",
                "themes": "Food, Sport",
            },
            "Themes: “Sport” is not in the list. Write one of: Food and catering, Mobility and "
            "logistics, Housing and living environment, Waste and circular economy, Cleaning, "
            "Green spaces, Textiles, Digital, Other.",
        ),
        (
            {
                "email": "a@example.org",
                "siret": SIRET_A,
                "organisation": "V",
                "kind": "ESS",
                "territories": "Atlantis",
            },
            "Territory served: “Atlantis” is not a known territory. Write its code: R32 for a "
            "region, 59 for a department, the SIREN of an intermunicipality, the INSEE code of a "
            "commune.",
        ),
        (
            {
                "email": "a@example.org",
                "siret": SIRET_A,
                "organisation": "V",
                "kind": "Buyer",
                "legal_form": "SCOP",
            },
            "Legal form: for ESS structures only; this organisation is a buyer.",
        ),
        (
            {
                "email": "a@example.org",
                "siret": SIRET_A,
                "organisation": "V",
                "kind": "ESS",
                "buyer_kind": "Hospital",
            },
            "Type of buyer: for buyers only; this organisation is an ESS structure.",
        ),
        (
            {
                "email": "a@example.org",
                "siret": SIRET_A,
                "organisation": "V",
                "kind": "ESS",
                "website": "not a site",
            },
            "Website: Enter a valid URL.",
        ),
        (
            {
                "email": "a@example.org",
                "siret": SIRET_A,
                "organisation": "V",
                "role": "Buyer",
                "kind": "ESS",
            },
            "The role “Buyer” does not fit the type “ESS structure”.",
        ),
        (
            {
                "email": "a@example.org",
                "siret": SIRET_A,
                "organisation": "V",
                "kind": "ESS",
                "role": "Visitor",
            },
            "Role at the event: someone registered with an organisation takes part as a buyer or "
            "an ESS structure, as their organisation is; leave it empty or remove the "
            "organisation.",
        ),
        (
            {"email": "a@example.org", "role": "ESS structure"},
            "A buyer or an ESS structure takes part with their organisation: give its SIRET (and "
            "its name when it is new to Osez).",
        ),
        (
            {"email": "a@example.org", "role": "Speaker"},
            "Role at the event: “Speaker” is not in the list. Write one of: Buyer, ESS structure, "
            "Workshop facilitator, Visitor.",
        ),
        (
            {"email": "a@example.org", "language": "Deutsch"},
            "Language: “Deutsch” is not in the list. Write one of: French, English.",
        ),
        (
            {"email": "a@example.org", "max_meetings": "50"},
            "Maximum number of meetings: Ensure this value is less than or equal to 40.",
        ),
        (
            {"email": "a@example.org", "accessible_table": "maybe"},
            "Accessible table: “maybe”: write yes or no (or leave it empty for no).",
        ),
        (
            {"email": "a@example.org", "siret": SIRET_A, "kind": "ESS", "organisation": "V" * 201},
            "Organisation name: Ensure this value has at most 200 characters (it has 201).",
        ),
        (
            {"email": "a@example.org", "first_name": "A" * 151},
            "First name: Ensure this value has at most 150 characters (it has 151).",
        ),
    ],
)
def test_preview_says_each_problem_in_plain_words(organiser_client, event, cells, expected):
    response = preview(organiser_client, event, one_row(**cells))

    assert problems(response) == {2: [expected]}


def test_preview_flags_an_email_on_several_lines(organiser_client, event):
    rows = [["a@example.org"], ["b@example.org"], ["A@Example.org"], ["a@example.org"]]

    response = preview(organiser_client, event, csv_file(["Email"], rows))

    assert problems(response) == {
        2: ["The same email address is also on lines 4 and 5 of the file: one line per person."],
        4: ["The same email address is also on lines 2 and 5 of the file: one line per person."],
        5: ["The same email address is also on lines 2 and 4 of the file: one line per person."],
    }


def test_preview_flags_a_person_already_registered(organiser_client, event, ess_member):
    response = preview(organiser_client, event, one_row(email=ess_member.email.upper()))

    assert problems(response) == {2: [f"{ess_member.email} is already registered for this event."]}


def test_preview_flags_a_known_account_outside_the_organisation(organiser_client, event, ess_org):
    person = UserFactory()

    response = preview(organiser_client, event, one_row(email=person.email, siret=ess_org.siret))

    assert problems(response) == {2: [f"{person.email} is not a member of {ess_org.name}."]}


def test_preview_flags_a_known_organisation_of_the_other_type(organiser_client, event, ess_org):
    response = preview(
        organiser_client, event, one_row(email="a@example.org", siret=ess_org.siret, kind="Buyer")
    )

    assert problems(response) == {
        2: [
            f"The organisation with this SIRET, “{ess_org.name}”, is registered in Osez as “ESS "
            "structure”, not “Buyer”."
        ]
    }


def test_preview_flags_two_types_for_one_new_siret(organiser_client, event):
    header = ["Email", "Organisation", "SIRET", "Type"]
    rows = [["a@example.org", "Vélo", SIRET_A, "ESS"], ["b@example.org", "", SIRET_A, "Buyer"]]

    response = preview(organiser_client, event, csv_file(header, rows))

    assert problems(response) == {
        3: ["Line 2 gives this SIRET the type “ESS structure”, this line “Buyer”."]
    }


def test_preview_asks_for_the_code_of_a_territory_name_shared_by_two(organiser_client, event):
    Territory.objects.create(code="99001", kind="commune", name="Nord")  # also department 59

    response = preview(
        organiser_client,
        event,
        one_row(
            email="a@example.org", siret=SIRET_A, organisation="V", kind="ESS", territories="nord"
        ),
    )

    assert problems(response) == {
        2: [
            "Territory served: several territories are called “nord”: write the code of the one "
            "you mean (59, 99001)."
        ]
    }


def test_preview_problems_are_in_the_organisers_language(organiser_client, event, settings):
    settings.LANGUAGE_CODE = "fr"
    upload = one_row(email="a@example.org", siret=SIRET_A, organisation="V", kind="Structure")

    response = preview(organiser_client, event, upload)

    assert problems(response) == {
        2: [
            "Type d'organisation : « Structure » n'est pas dans la liste. Écrivez l'une de ces "
            "valeurs : Acheteur, Structure de l'ESS."
        ]
    }


def test_an_unreadable_file_is_refused_on_the_page(organiser_client, event):
    upload = SimpleUploadedFile("people.xlsx", b"PK\x03\x04 damaged")

    response = preview(organiser_client, event, upload)

    assert response.context["form"].errors == {
        "file": [
            "This XLSX workbook could not be read: it may be damaged. Open it in your "
            "spreadsheet, save it again as an Excel workbook (.xlsx) and try again."
        ]
    }
    assert "plan" not in response.context


def test_a_file_too_long_is_refused_with_the_limit(organiser_client, event):
    rows = [[f"p{i}@example.org"] for i in range(imports.LIMITS.rows + 1)]

    response = preview(organiser_client, event, csv_file(["Email"], rows))

    assert response.context["form"].errors == {
        "file": [
            "The file has more than 500 rows. Split it into several files of 500 rows at most "
            "and import them one after the other."
        ]
    }


# --- All or nothing -----------------------------------------------------------------------------


def test_preview_writes_nothing(organiser_client, event):
    before = counts()

    response = preview(organiser_client, event, csv_file(ENGLISH, ROWS))

    plan = response.context["plan"]
    assert (plan.ready, plan.new_people, plan.new_organisations) == (True, 3, 2)
    assert counts() == before
    assert response.context["token"]
    assert "Import 3 people and send their emails" in response.content.decode()


def test_a_file_with_one_wrong_line_offers_no_import(organiser_client, event):
    rows = [*ROWS, ["bad@example.org", "", "", "X", "123", "ESS", "", "", "", "", ""]]

    response = preview(organiser_client, event, csv_file(ENGLISH, rows))

    assert list(problems(response)) == [5]
    assert response.context["token"] == ""
    assert "Nothing has been imported" in response.content.decode()
    assert reverse("events:import_confirm", args=[event.slug]) not in response.content.decode()


def test_confirm_imports_everyone_and_queues_their_invitations(organiser_client, event, organiser):
    response = preview(organiser_client, event, csv_file(ENGLISH, ROWS))

    done = confirm(organiser_client, event, response.context["token"])

    assert done.status_code == 302
    assert done["Location"] == reverse("events:registrations", args=[event.slug])
    velo = Organisation.objects.get(siret=SIRET_A)
    city = Organisation.objects.get(siret=SIRET_B)
    assert (velo.name, velo.kind, velo.legal_form, velo.verified_at) == (
        "Vélo Solidaire",
        OrganisationKind.ESS,
        LegalForm.SCIC,
        None,
    )
    assert sorted(velo.themes.values_list("code", flat=True)) == [
        ThemeCode.MOBILITY,
        ThemeCode.WASTE,
    ]
    assert sorted(velo.territories.values_list("code", flat=True)) == ["59", "R32"]
    assert (city.kind, list(city.themes.values_list("code", flat=True))) == (
        OrganisationKind.BUYER,
        [ThemeCode.FOOD],
    )
    helene = User.objects.get(email="helene@velo.example")
    assert (helene.first_name, helene.phone, helene.language, helene.has_usable_password()) == (
        "Hélène",
        "06 12 34 56 78",
        "fr",
        False,
    )
    assert sorted(velo.memberships.values_list("user__email", "role")) == [
        ("helene@velo.example", MembershipRole.ADMIN),
        ("remi@velo.example", MembershipRole.MEMBER),
    ]
    registrations = Registration.objects.filter(event=event, registered_by=organiser)
    assert sorted(registrations.values_list("user__email", "role", "status")) == [
        ("achats@ville.example", RegistrationRole.BUYER, RegistrationStatus.VALIDATED),
        ("helene@velo.example", RegistrationRole.ESS, RegistrationStatus.VALIDATED),
        ("remi@velo.example", RegistrationRole.ESS, RegistrationStatus.VALIDATED),
    ]
    assert sorted(
        OutboxMessage.objects.filter(event_id=event.pk).values_list("recipient__email", "kind")
    ) == [
        ("achats@ville.example", emails.REGISTERED_BY_ORGANISERS),
        ("helene@velo.example", emails.REGISTERED_BY_ORGANISERS),
        ("remi@velo.example", emails.REGISTERED_BY_ORGANISERS),
    ]


def test_confirm_reuses_known_organisations_and_accounts(organiser_client, event):
    buyer_org = BuyerOrganisationFactory(name="Métropole", buyer_kind="local_authority")
    known = MembershipFactory(organisation=buyer_org).user
    header = ["Email", "First name", "Organisation", "SIRET", "Type of buyer"]
    rows = [
        [known.email, "Other name", "Another name", buyer_org.siret, "Hospital"],
        ["colleague@example.org", "Léa", "", buyer_org.siret, ""],
    ]
    before = (User.objects.count(), Organisation.objects.count())

    response = preview(organiser_client, event, csv_file(header, rows))
    page = response.content.decode()
    confirm(organiser_client, event, response.context["token"])

    assert "Organisation already in Osez, reused as it is" in page
    assert "Account already in Osez, reused as it is" in page
    assert (User.objects.count(), Organisation.objects.count()) == (before[0] + 1, before[1])
    buyer_org.refresh_from_db()
    known.refresh_from_db()
    assert (buyer_org.name, buyer_org.buyer_kind, known.first_name) == (
        "Métropole",
        "local_authority",
        known.first_name,
    )
    assert known.first_name != "Other name"
    assert sorted(
        OutboxMessage.objects.filter(event_id=event.pk).values_list("recipient__email", "kind")
    ) == sorted(
        [
            (known.email, emails.REGISTRATION_VALIDATED),
            ("colleague@example.org", emails.REGISTERED_BY_ORGANISERS),
        ]
    )
    assert buyer_org.memberships.filter(user__email="colleague@example.org").exists()


def test_confirm_imports_nothing_when_a_line_went_wrong_since_the_preview(organiser_client, event):
    visitor = ["visitor@example.org", "Vic", "", "", "", "", "", "", "", "", ""]
    response = preview(organiser_client, event, csv_file(ENGLISH, [*ROWS, visitor]))
    # Meanwhile, the visitor registered by themselves.
    services.register(event=event, user=UserFactory(email="visitor@example.org"), organisation=None)
    before = counts()

    again = confirm(organiser_client, event, response.context["token"])

    assert again.status_code == 200
    assert problems(again) == {5: ["visitor@example.org is already registered for this event."]}
    assert "Nothing has been imported" in again.content.decode()
    assert counts() == before
    assert not Organisation.objects.filter(siret__in=[SIRET_A, SIRET_B]).exists()


def test_confirm_without_the_preview_token_imports_nothing(organiser_client, event):
    response = preview(organiser_client, event, csv_file(ENGLISH, ROWS))
    before = counts()

    wrong = confirm(organiser_client, event, "forged")

    assert wrong["Location"] == reverse("events:import_people", args=[event.slug])
    assert counts() == before
    assert confirm(organiser_client, event, response.context["token"]).status_code == 302
    # Used once: the same token again does nothing.
    assert counts() != before
    after = counts()
    assert confirm(organiser_client, event, response.context["token"])["Location"] == reverse(
        "events:import_people", args=[event.slug]
    )
    assert counts() == after


def test_confirm_after_an_hour_asks_for_the_file_again(organiser_client, event):
    response = preview(organiser_client, event, csv_file(ENGLISH, ROWS))
    session = organiser_client.session
    pending = session[imports.SESSION_KEY]
    pending["until"] = (
        dt.datetime.fromisoformat(pending["until"]) - dt.timedelta(hours=2)
    ).isoformat()
    session[imports.SESSION_KEY] = pending
    session.save()
    before = counts()

    late = confirm(organiser_client, event, response.context["token"])

    assert late["Location"] == reverse("events:import_people", args=[event.slug])
    assert counts() == before


def test_the_preview_of_one_event_cannot_be_confirmed_at_another(
    organiser_client, event, organiser
):
    response = preview(organiser_client, event, csv_file(ENGLISH, ROWS))
    other = type(event).objects.create(
        slug="autre",
        title="Autre",
        start_date=event.start_date,
        end_date=event.end_date,
        venue="Lille",
    )
    other.organisers.add(organiser)
    before = counts()

    confirm(organiser_client, other, response.context["token"])

    assert counts() == before


def test_import_service_refuses_someone_who_does_not_organise_the_event(event, buyer):
    plan = imports.read_rows([(1, ["Email"]), (2, ["a@example.org"])])

    with pytest.raises(ValidationError):
        services.import_people(event=event, by=buyer, rows=plan.rows, commit=True)

    assert not User.objects.filter(email="a@example.org").exists()


def test_new_organisation_through_register_on_behalf_makes_the_person_its_admin(event, organiser):
    new = services.NewOrganisation(
        kind=OrganisationKind.ESS, data={"name": "Recyclerie", "siret": SIRET_A}
    )

    registration, created = services.register_on_behalf(
        event=event, by=organiser, email="r@example.org", new_organisation=new
    )

    assert (created, registration.organisation.name, registration.role) == (
        True,
        "Recyclerie",
        RegistrationRole.ESS,
    )
    assert list(registration.organisation.memberships.values_list("user__email", "role")) == [
        ("r@example.org", MembershipRole.ADMIN)
    ]


def test_import_service_refuses_the_lines_of_an_organisation_not_created(event, organiser):
    plan = imports.read_rows(
        [
            (1, ["Email", "Organisation", "SIRET", "Type"]),
            (2, ["a@example.org", "Vélo", SIRET_A, "ESS"]),
            (3, ["b@example.org", "", SIRET_A, ""]),
        ]
    )
    OrganisationFactory(siret=SIRET_A)  # created meanwhile, by someone else

    outcome = services.import_people(event=event, by=organiser, rows=plan.rows, commit=True)

    refusals = {line: imports.describe(error) for line, error in outcome.refusals.items()}
    assert (outcome.imported, refusals) == (
        False,
        {
            2: ["SIRET: Organisation with this SIRET already exists."],
            3: ["Its organisation, on line 2, could not be created."],
        },
    )
    assert not User.objects.filter(email__in=["a@example.org", "b@example.org"]).exists()
