"""core/pdf.py: a PDF from a template, with the shipped fonts, French text intact, and no URL
fetched beyond the app's static files."""

import io

import pytest
from pypdf import PdfReader

from core import pdf


def text_of(document: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)


def fonts_of(document: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(document)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_french_text_comes_out_whole_in_the_shipped_font(tmp_path, settings):
    (tmp_path / "doc.html").write_text(
        '{% extends "print/base.html" %}{% block content %}'
        "<h1>Agenda de Œuvre & Cœur</h1><p>Rendez-vous à 9 h 30 – « table 4 », 12 €</p>"
        "{% endblock %}"
    )
    first = settings.TEMPLATES[0]
    # A new value (not a change in place): Django's setting_changed rebuilds the engines.
    settings.TEMPLATES = [{**first, "DIRS": [*first["DIRS"], tmp_path]}, *settings.TEMPLATES[1:]]

    document = pdf.render_pdf("doc.html", {})

    assert document.startswith(b"%PDF")
    assert "Agenda de Œuvre & Cœur" in text_of(document)
    assert "Rendez-vous à 9 h 30 – « table 4 », 12 €" in text_of(document)
    assert all("Osez-Sans" in name for name in fonts_of(document))  # the shipped font


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.png",
        "file:///etc/passwd",
        "static:../../config/settings.py",
        "static:nothing-here.png",
    ],
)
def test_nothing_is_fetched_but_static_files_and_data(url):
    with pytest.raises(pdf.RefusedURL):
        pdf._Fetcher().fetch(url)


def test_a_static_file_and_a_data_url_are_fetched():
    assert pdf._Fetcher().fetch("static:css/print.css").read().startswith(b"/*")
    assert pdf._Fetcher().fetch("data:text/plain,hello").read() == b"hello"


def test_the_response_downloads_a_named_pdf():
    response = pdf.pdf_response(b"%PDF-1.7", "Agenda de Zoé")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="agenda-de-zoe.pdf"'
