"""After the day: the follow-ups of the pairs that planned one. Each side's people see and update
theirs; the event's organisers see them all, read only. Views are thin: permission, one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.views import refuse
from events.views import event_for, event_or_404
from matching import queries
from matching.forms import FollowUpForm
from matching.rules import follow_up_organisation
from matching.services import follow_ups


@login_required
def my_follow_ups(request: HttpRequest, slug: str) -> HttpResponse:
    """The follow-ups of the event that the user's organisations take part in (either side)."""
    event = event_or_404(request, slug)
    rows = [(row, follow_ups.describe(row)) for row in queries.my_follow_ups(request.user, event)]
    context = {"event": event, "rows": rows, "mine": True}
    return render(request, "matching/follow_ups/list.html", context)


@login_required
def event_follow_ups(request: HttpRequest, slug: str) -> HttpResponse:
    """Every follow-up of the event, with the figures, for its organisers (read only)."""
    event = event_for(request, slug, "matching.view_event_follow_ups")
    context = {
        "event": event,
        "rows": [(row, follow_ups.describe(row)) for row in queries.event_follow_ups(event)],
        "figures": queries.follow_up_figures(event),
        "mine": False,
        "section": "follow_ups",
    }
    return render(request, "matching/follow_ups/list.html", context)


@login_required
def follow_up(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One follow-up: its facts, the form for the two organisations' people, its history."""
    event = event_or_404(request, slug)
    row = queries.event_follow_ups(event).filter(pk=pk).first()
    if row is None or not request.user.has_perm("matching.view_follow_up", row):
        raise Http404
    may_change = request.user.has_perm("matching.change_follow_up", row)
    form = FollowUpForm(request.POST or None, initial=FollowUpForm.initial_from(row))
    status = 200
    if request.method == "POST":
        if not may_change:
            return refuse(
                request,
                _("Only the people of the two organisations update a follow-up."),
                status=403,
            )
        status = 400
        if form.is_valid():
            try:
                follow_ups.update_follow_up(follow_up=row, by=request.user, data=form.cleaned_data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                messages.success(request, _("The follow-up is updated."))
                return redirect("matching:follow_up", slug=event.slug, pk=row.pk)
    organisation = follow_up_organisation(request.user, row) if may_change else None
    context = {
        "event": event,
        "row": row,
        "form": form if may_change else None,
        "organisation": organisation,
        "facts": follow_ups.describe(row),
        "updates": list(row.updates.select_related("by", "organisation")),
    }
    return render(request, "matching/follow_ups/detail.html", context, status=status)
