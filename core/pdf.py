"""PDF documents, from HTML templates, with WeasyPrint: one renderer for every printable page
(agendas, badges, table signs, a pitch's sourcing trace).

A print template extends `templates/print/base.html`, which loads `static/css/print.css` and the
fonts shipped in `static/fonts/` (DejaVu Sans: every French letter, « », ’, –, €), so a PDF looks
the same on any machine. WeasyPrint fetches what the HTML refers to through `_Fetcher`: files of
the app's static folders (`static:` URLs: `href="static:css/print.css"`) and `data:` URLs, nothing else — no network at run time, and no
file outside the static folders (a name typed by a person cannot point the renderer anywhere).
"""

import io
import mimetypes

import weasyprint
import weasyprint.urls
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify
from pypdf import PdfWriter

STATIC = "static:"


class RefusedURL(ValueError):
    """A URL the renderer may not fetch (anything but the app's static files and data: URLs)."""


class _Fetcher(weasyprint.URLFetcher):
    """Static files of the app and data: URLs; anything else is refused."""

    def __init__(self):
        super().__init__(allowed_protocols=["data"], fail_on_errors=True)

    def fetch(self, url: str, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(STATIC):
            name = url[len(STATIC) :].lstrip("/")
            path = finders.find(name) if ".." not in name.split("/") else None
            if path:
                mime, _encoding = mimetypes.guess_type(path)
                with open(path, "rb") as file:
                    body = file.read()
                return weasyprint.urls.URLFetcherResponse(
                    url, body=body, headers={"Content-Type": mime or "application/octet-stream"}
                )
        raise RefusedURL(url)


def render_pdf(template: str, context: dict, request=None) -> bytes:
    """The PDF of `template` rendered with `context` (in the active language)."""
    html = render_to_string(template, context, request=request)
    return weasyprint.HTML(string=html, url_fetcher=_Fetcher(), base_url=STATIC).write_pdf()


def merge_pdfs(parts: list[bytes]) -> bytes:
    """One PDF of `parts`, in order (a long document is rendered in chunks: WeasyPrint's time and
    memory grow faster than its page count, see bench/print_agendas.py)."""
    if len(parts) == 1:
        return parts[0]
    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """An HTTP response carrying `pdf`, downloaded (or shown, `inline`) as `filename`.pdf."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{slugify(filename)}.pdf"'
    return response
