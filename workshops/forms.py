from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

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
