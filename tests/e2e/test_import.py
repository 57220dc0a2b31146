"""Importing participants in Chromium, on a 390 px phone: the organiser opens the import page from
the registrations, chooses a file with a wrong line (the preview says what is wrong and offers no
import), then the corrected file (every line fine), confirms, and lands on the registrations with
the people registered and their invitations queued."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from events.enums import RegistrationStatus
from events.models import Registration
from notifications.models import OutboxMessage
from tests.e2e.conftest import PHONE, login, screenshot
from tests.factories import EventFactory, UserFactory, valid_siret

pytestmark = pytest.mark.e2e

SIRET = valid_siret(9_101)
HEADER = (
    "Courriel;Prénom;Nom;Nom de l'organisation;SIRET;Type d'organisation;Forme juridique;Thèmes\n"
)
GOOD = (
    f"camille@recyclerie.example;Camille;Durand;Recyclerie du Nord;{SIRET};ESS;Association;"
    "Déchets\n"
    f"hugo@recyclerie.example;Hugo;Lemaire;;{SIRET};;;\n"
    "achats@hopital.example;Inès;Morel;Centre hospitalier de Roubaix;"
    f"{valid_siret(9_102)};Acheteur;;Alimentation\n"
)
WRONG = "nadia@example.org;Nadia;Benali;Atelier Vélo;123 456;ESS;SARL;Vélos\n"


def french(message: str, plural: str | None = None, n: int = 1) -> str:
    with translation.override("fr"):
        return ngettext(message, plural, n) % {"n": n} if plural else gettext(message)


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_organiser_imports_a_file_on_a_phone(phone_page, tmp_path):
    event = EventFactory(title="Osez l'ESS Lille")
    organiser = UserFactory()
    event.organisers.add(organiser)
    login(phone_page, organiser)
    phone_page.goto(reverse("events:registrations", args=[event.slug]))
    phone_page.get_by_role("link", name=french("Import from a file")).click()
    wrong = tmp_path / "participants.csv"
    wrong.write_bytes((HEADER + GOOD + WRONG).encode("cp1252"))

    phone_page.set_input_files("input[type=file]", str(wrong))
    phone_page.get_by_role("button", name=french("Preview")).click()

    alert = phone_page.get_by_role("alert")
    assert (
        french(
            "%(n)s line needs correcting. Nothing has been imported.",
            "%(n)s lines need correcting. Nothing has been imported.",
        )
        in alert.inner_text()
    )
    line = phone_page.locator("#line-5")
    assert "Ce numéro SIRET n'est pas valide" in line.inner_text()
    assert "« SARL » n'est pas dans la liste" in line.inner_text()
    assert "« Vélos » n'est pas dans la liste" in line.inner_text()
    assert phone_page.get_by_role("button", name="Importer").count() == 0
    fits(phone_page)
    screenshot(phone_page, "import-preview-problems-phone")

    good = tmp_path / "participants-corrige.csv"
    good.write_bytes(("\ufeff" + HEADER.replace(";", ",") + GOOD.replace(";", ",")).encode())
    phone_page.set_input_files("input[type=file]", str(good))
    phone_page.get_by_role("button", name=french("Preview")).click()
    assert phone_page.get_by_text(french("Every line is fine.")).is_visible()
    fits(phone_page)
    screenshot(phone_page, "import-preview-ready-phone")

    phone_page.get_by_role("button", name="Importer 3 personnes et envoyer leurs e-mails").click()

    phone_page.wait_for_url(f"**{reverse('events:registrations', args=[event.slug])}")
    assert "3 personnes inscrites depuis « participants-corrige.csv »" in phone_page.inner_text(
        ".messages"
    )
    registered = Registration.objects.filter(event=event, status=RegistrationStatus.VALIDATED)
    assert sorted(registered.values_list("user__email", "organisation__name")) == [
        ("achats@hopital.example", "Centre hospitalier de Roubaix"),
        ("camille@recyclerie.example", "Recyclerie du Nord"),
        ("hugo@recyclerie.example", "Recyclerie du Nord"),
    ]
    assert OutboxMessage.objects.filter(event_id=event.pk).count() == 3
    fits(phone_page)
    screenshot(phone_page, "import-done-phone")
