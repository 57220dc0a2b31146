"""A buyer's responsible-purchasing (SPASER) indicators, for its members: each event it took part
in and all together, on a page and as CSV or XLSX (matching/indicators.py)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.enums import OrganisationKind
from accounts.models import Organisation
from core import spreadsheets
from core.views import require
from matching import indicators


def _buyer(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug, kind=OrganisationKind.BUYER)
    require(request, "accounts.view_organisation_private", organisation)
    return organisation


@login_required
@require_GET
def buyer_indicators(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _buyer(request, slug)
    per_event, total = indicators.for_buyer(organisation)
    context = {"organisation": organisation, "per_event": per_event, "total": total}
    return render(request, "matching/indicators.html", context)


@login_required
@require_GET
def buyer_indicators_file(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """One row per figure: the event (or every event), the indicator, the category, the value."""
    organisation = _buyer(request, slug)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    per_event, total = indicators.for_buyer(organisation)
    header = [_("Event"), _("Indicator"), _("Category"), _("Value")]
    rows = []
    for found in [*per_event, total]:
        name = found.event.title if found.event else _("Every event")
        rows += [[name, label, "", value] for label, value in found.figures()]
        for title, counts in found.breakdowns():
            rows += [[name, title, category, count] for category, count in counts]
    stem = f"spaser-{organisation.slug}"
    if fmt == "csv":
        response, writer = spreadsheets.csv_response(f"{stem}.csv")
        writer.writerow(header)
        writer.writerows(rows)
        return response
    content = spreadsheets.xlsx_bytes([(_("Indicators"), header, rows)])
    return spreadsheets.xlsx_response(f"{stem}.xlsx", content)
