"""Attachments: type checked by extension AND the whole content (core.uploads), size capped, clear
message, nothing saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pitches.enums import LogKind
from pitches.models import Attachment
from pitches.uploads import MAX_ATTACHMENT_BYTES
from tests.factories import PitchFactory
from tests.files import docx_bytes, image_bytes, opendocument_bytes, pdf_bytes, xlsx_bytes

PDF = pdf_bytes()
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def office(kind: str) -> bytes:
    if kind in {"odt", "ods"}:
        return opendocument_bytes(kind)
    return docx_bytes() if kind == "docx" else xlsx_bytes()


@pytest.fixture
def pitch(event, buyer_org):
    return PitchFactory(event=event, buyer=buyer_org)


def upload(client, pitch, name: str, content: bytes):
    return client.post(
        reverse("pitches:attachment_add", args=[pitch.pk]),
        {"title": "Document", "kind": "other", "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cahier.pdf", PDF),
        ("plan.PNG", PNG),
        ("photo.jpg", JPEG),
        ("photo.jpeg", JPEG),
        ("note.odt", office("odt")),
        ("budget.ods", office("ods")),
        ("note.docx", office("docx")),
        ("budget.xlsx", office("xlsx")),
    ],
)
def test_upload_allowed_type_is_saved_and_logged(client, pitch, buyer, name, content):
    client.force_login(buyer)

    response = upload(client, pitch, name, content)

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as stored:
        assert (attachment.size, stored.read()) == (len(content), content)
    assert list(pitch.log.values_list("kind", flat=True)) == [LogKind.DOCUMENT]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("virus.exe", EXE, "file_type"),
        ("virus.pdf", EXE, "file_content"),
        ("image.png", JPEG, "file_content"),
        ("note.docx", office("odt"), "file_content"),
        ("note.odt", office("docx"), "file_content"),
        ("budget.xlsx", b"PK\x03\x04 not a zip at all", "file_damaged"),
        ("cahier.pdf", PDF[: len(PDF) // 2], "file_damaged"),
        ("script.svg", b"<svg onload=alert(1)>", "file_type"),
        ("noextension", PDF, "file_type"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_upload_bad_file_gets_clear_message_and_saves_nothing(
    client, pitch, buyer, name, content, expected
):
    client.force_login(buyer)

    response = upload(client, pitch, name, content)

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == [expected]
    assert (Attachment.objects.count(), pitch.log.count()) == (0, 0)


def test_upload_too_big_refused(client, pitch, buyer):
    client.force_login(buyer)

    response = upload(client, pitch, "big.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES)

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == ["file_size"]
    assert Attachment.objects.count() == 0


def test_upload_french_message(client, pitch, buyer):
    client.force_login(buyer)

    response = upload(client, pitch, "virus.pdf", EXE)

    assert "ne correspond pas" in response.context["form"].errors["file"][0]


def test_upload_stores_no_file_on_error(client, pitch, buyer, settings):
    client.force_login(buyer)

    upload(client, pitch, "virus.pdf", EXE)

    media = settings.MEDIA_ROOT
    assert sorted(p.name for p in media.rglob("*") if p.is_file()) == []


def test_attachment_of_draft_hidden_from_public(client, event, buyer_org):
    from django.core.files.base import ContentFile

    draft = PitchFactory(event=event, buyer=buyer_org, status="draft", published_at=None)
    attachment = Attachment(pitch=draft, title="Brouillon", size=len(PDF))
    attachment.file.save("brouillon.pdf", ContentFile(PDF), save=True)

    response = client.get(reverse("pitches:attachment", args=[attachment.pk]))

    assert response.status_code == 404


def test_attachment_download_has_safe_headers(client, event, buyer_org):
    from django.core.files.base import ContentFile

    pitch = PitchFactory(event=event, buyer=buyer_org)
    attachment = Attachment(pitch=pitch, title="Cahier", size=len(PDF))
    attachment.file.save("cahier.pdf", ContentFile(PDF), save=True)

    response = client.get(reverse("pitches:attachment", args=[attachment.pk]))

    assert (response["Content-Type"], response["X-Content-Type-Options"]) == (
        "application/pdf",
        "nosniff",
    )
    assert response.content == PDF
