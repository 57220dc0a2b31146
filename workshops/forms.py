from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .enums import (
    COMMENT_TEXT_MAX,
    HEADING_TITLE_MAX,
    IDEA_STATUSES_SET_BY_HAND,
    IDEA_TEXT_MAX,
    IDEA_TITLE_MAX,
    VOTE_BUDGET_MAX,
    VOTE_BUDGET_MIN,
)

ORDINALS = {
    1: pgettext_lazy("workshop choice", "1st choice"),
    2: pgettext_lazy("workshop choice", "2nd choice"),
    3: pgettext_lazy("workshop choice", "3rd choice"),
}


def ordinal(rank: int) -> str:
    return str(ORDINALS.get(rank) or _("Choice %(rank)s") % {"rank": rank})


class WishesForm(forms.Form):
    """Ranked wishes: one select per rank ("1st choice", "2nd choice"...), each offering the
    event's workshops; plus how many workshops the person wants to attend when there are several
    time blocks. Empty ranks are skipped; the same workshop twice is refused."""

    def __init__(self, *args, workshops, max_wants: int, initial_ranked=(), wants=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshops = list(workshops)
        choices = [("", _("— none —"))] + [(str(w.pk), w.session.title) for w in self.workshops]
        for rank in range(1, len(self.workshops) + 1):
            initial = initial_ranked[rank - 1] if rank <= len(initial_ranked) else ""
            self.fields[f"choice_{rank}"] = forms.TypedChoiceField(
                label=ordinal(rank),
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(initial) if initial else "",
            )
        if max_wants > 1:
            self.fields["wants"] = forms.TypedChoiceField(
                label=gettext_lazy("How many workshops would you like to attend?"),
                choices=[(n, str(n)) for n in range(1, max_wants + 1)],
                coerce=int,
                initial=wants,
                widget=forms.RadioSelect,
                help_text=gettext_lazy(
                    "Workshops run at different times: you can attend up to %(n)s."
                )
                % {"n": max_wants},
            )

    def clean(self):
        cleaned = super().clean()
        ranked, seen = [], {}
        titles = {w.pk: w.session.title for w in self.workshops}
        for rank in range(1, len(self.workshops) + 1):
            workshop_id = cleaned.get(f"choice_{rank}")
            if workshop_id is None:
                continue
            if workshop_id in seen:
                self.add_error(
                    f"choice_{rank}",
                    _("“%(title)s” is already your %(choice)s.")
                    % {"title": titles[workshop_id], "choice": ordinal(seen[workshop_id]).lower()},
                )
                continue
            seen[workshop_id] = rank
            ranked.append(workshop_id)
        cleaned["ranked"] = ranked
        cleaned.setdefault("wants", 1)
        if cleaned.get("wants") is None:
            cleaned["wants"] = 1
        return cleaned


# --- Idea boards ----------------------------------------------------------------------------------


def _bounded_text(label, max_length: int, *, required: bool, rows: int = 0):
    """A text field with its bound stated in the person's language (and a textarea when `rows`)."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": max_length}) if rows else None,
        error_messages={
            "required": gettext_lazy("This field is required."),
            "max_length": gettext_lazy(
                "At most %(limit_value)d characters (you wrote %(show_value)d)."
            ),
        },
    )


class IdeaForm(forms.Form):
    title = _bounded_text(gettext_lazy("Your idea in a few words"), IDEA_TITLE_MAX, required=True)
    text = _bounded_text(gettext_lazy("Details (optional)"), IDEA_TEXT_MAX, required=False, rows=3)
    anonymous = forms.BooleanField(
        label=gettext_lazy("Anonymous to the other participants"),
        help_text=gettext_lazy("The facilitators and the organisers still see your name."),
        required=False,
    )


class CommentForm(forms.Form):
    text = _bounded_text(gettext_lazy("Your comment"), COMMENT_TEXT_MAX, required=True, rows=2)
    anonymous = forms.BooleanField(
        label=gettext_lazy("Anonymous to the other participants"), required=False
    )


class VoteForm(forms.Form):
    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")])


class HeadingForm(forms.Form):
    title = _bounded_text(gettext_lazy("New heading"), HEADING_TITLE_MAX, required=True)


class ModerateForm(forms.Form):
    """One moderation of an idea: its lead status, hidden or shown, its heading."""

    action = forms.ChoiceField(
        choices=[("status", "status"), ("hide", "hide"), ("show", "show"), ("heading", "heading")]
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Lead"),
        choices=[(s.value, s.label) for s in IDEA_STATUSES_SET_BY_HAND],
        required=False,
    )
    heading = forms.TypedChoiceField(
        label=gettext_lazy("Heading"), coerce=int, empty_value=None, required=False, choices=()
    )

    def __init__(self, *args, headings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["heading"].choices = [("", _("— no heading —"))] + [
            (h.pk, h.title) for h in headings
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "status" and not cleaned.get("status"):
            self.add_error("status", _("Choose open, retained or not retained."))
        return cleaned


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(
        label=gettext_lazy("Merge into"),
        coerce=int,
        choices=(),
        error_messages={"invalid_choice": gettext_lazy("Choose another idea of this board.")},
    )

    def __init__(self, *args, ideas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [(i.pk, i.title) for i in ideas]


class BoardSettingsForm(forms.Form):
    vote_budget = forms.IntegerField(
        label=gettext_lazy("Votes per person"),
        min_value=VOTE_BUDGET_MIN,
        max_value=VOTE_BUDGET_MAX,
        help_text=gettext_lazy(
            "Dot voting: each person may put several of their votes on the same idea."
        ),
        error_messages={
            "min_value": gettext_lazy("At least %(limit_value)s vote per person."),
            "max_value": gettext_lazy("At most %(limit_value)s votes per person."),
            "invalid": gettext_lazy("Enter a whole number."),
            "required": gettext_lazy("This field is required."),
        },
    )
    own_votes_allowed = forms.BooleanField(
        label=gettext_lazy("People may vote for their own ideas"), required=False
    )
    counts_hidden = forms.BooleanField(
        label=gettext_lazy("Hide vote counts from the participants until voting closes"),
        required=False,
    )
    voting_closed = forms.BooleanField(label=gettext_lazy("Voting is closed"), required=False)
