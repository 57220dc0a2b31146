from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from accounts.forms import TerritoryChecklist, territory_choices
from accounts.models import Organisation
from core.forms import BoundedNumbersMixin, LabelledInlineFormSet

from .enums import AttachmentKind, Eligibility, GroupMode
from .models import Lot, Pitch, PitchQuestion
from .queries import eligible_group_members
from .rules import NOT_ELIGIBLE_ALONE_TEXT, eligibility, is_reserved
from .services import LotInput, QuestionInput
from .uploads import check_attachment


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PitchForm(BoundedNumbersMixin, forms.ModelForm):
    buyer = forms.ModelChoiceField(queryset=None, label=_("On behalf of"), required=True)

    class Meta:
        model = Pitch
        fields = [
            "title",
            "summary",
            "description",
            "theme",
            "amount_range",
            "expected_consultation_date",
            "route",
            "territories",
        ]
        widgets = {
            "expected_consultation_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 8}),
            "summary": forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
            "territories": TerritoryChecklist,
        }
        help_texts = {
            "summary": _("One or two sentences shown in the catalogue."),
            "amount_range": _("An order of magnitude helps structures size their answer."),
            "route": _(
                "Reserved routes decide which structures are eligible; the pitch page explains it "
                "in plain words."
            ),
            "territories": _(
                "Where the need is. Shown to help nearby structures find it; it is never an award "
                "criterion."
            ),
        }

    def __init__(self, *args, buyers=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Grouped by kind with codes, filtered as one types (static/js/checklist.js).
        self.fields["territories"].choices = territory_choices()
        self.fields["territories"].label = _("Area of the need")
        self.fields["territories"].required = False
        if buyers is None:
            del self.fields["buyer"]
        else:
            self.fields["buyer"].queryset = buyers
            if len(buyers) == 1:
                self.fields["buyer"].initial = buyers.first().pk
                self.fields["buyer"].widget = forms.HiddenInput()

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "territories"}


class LotForm(BoundedNumbersMixin, forms.ModelForm):
    class Meta:
        model = Lot
        fields = ["number", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class PitchQuestionForm(forms.ModelForm):
    class Meta:
        model = PitchQuestion
        fields = ["text", "required"]


# One empty lot to start with; "Add a lot" adds more in place (static/js/formsets.js) or, without
# JavaScript, through the form's own submit (`with_extra_form`).
LotFormSet = inlineformset_factory(
    Pitch,
    Lot,
    form=LotForm,
    formset=LabelledInlineFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
)
PitchQuestionFormSet = inlineformset_factory(
    Pitch,
    PitchQuestion,
    form=PitchQuestionForm,
    formset=LabelledInlineFormSet,
    extra=2,
    can_delete=True,
    max_num=15,
    validate_max=True,
)


def with_extra_form(data, formset_class, prefix: str):
    """The submitted data with one more (empty) form in the `prefix` formset, up to its maximum:
    the "Add a lot" button without JavaScript."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(max(0, min(total + 1, formset_class.max_num)))
    return data


def without_errors(*forms_and_formsets) -> None:
    """Show bound forms as typed, without complaining: after "Add a lot" nothing was submitted
    for saving yet, so nothing is wrong yet."""
    from django.forms.utils import ErrorDict, ErrorList

    for item in forms_and_formsets:
        if hasattr(item, "forms"):
            item._non_form_errors = ErrorList()
            item._errors = [ErrorDict() for _ in item.forms]
            for form in item.forms:
                form._errors = ErrorDict()
        else:
            item._errors = ErrorDict()


def lot_inputs(formset) -> list[LotInput]:
    result = []
    for form in formset.forms:
        if not form.has_changed() and not form.instance.pk:
            continue
        data = form.cleaned_data
        delete = bool(data.get("DELETE"))
        if form.instance.pk is None and delete:
            continue
        result.append(
            LotInput(
                id=form.instance.pk,
                number=data.get("number") or form.instance.number,
                title=data.get("title") or form.instance.title,
                description=data.get("description", ""),
                delete=delete,
            )
        )
    return result


def question_inputs(formset) -> list[QuestionInput]:
    result = []
    for position, form in enumerate(formset.forms):
        if not form.has_changed() and not form.instance.pk:
            continue
        data = form.cleaned_data
        delete = bool(data.get("DELETE"))
        if form.instance.pk is None and delete:
            continue
        result.append(
            QuestionInput(
                id=form.instance.pk,
                text=data.get("text") or form.instance.text,
                required=bool(data.get("required")),
                position=position,
                delete=delete,
            )
        )
    return result


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, ODT, DOCX, XLSX, ODS, PNG or JPEG, 10 MB at most."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.odt,.docx,.xlsx,.ods,.png,.jpg,.jpeg"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_attachment(upload)
        return upload


class ConsultationForm(forms.Form):
    launched_on = forms.DateField(label=_("Consultation launched on"), widget=DateInput())
    url = forms.URLField(
        label=_("Official consultation link"),
        help_text=_("The buyer profile or platform where structures will answer."),
        assume_scheme="https",
    )


def _organisation_field(form, organisations) -> None:
    """A choice of organisation only when the user acts for several; otherwise the only one."""
    form.only_organisation = organisations[0] if len(organisations) == 1 else None
    if form.only_organisation is not None:
        del form.fields["organisation"]
    else:
        form.fields["organisation"].queryset = type(organisations[0]).objects.filter(
            pk__in=[org.pk for org in organisations]
        )


class InterestForm(BoundedNumbersMixin, forms.Form):
    """An ESS structure's interest: screening answers (one field per question), lots, group."""

    organisation = forms.ModelChoiceField(queryset=None, label=_("On behalf of"))
    lots = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Lots you can answer"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    group_mode = forms.ChoiceField(
        label=_("You would answer"),
        choices=GroupMode.choices,
        widget=forms.RadioSelect,
        initial=GroupMode.ALONE,
    )
    partners = forms.CharField(
        label=_("Partners in the group"),
        max_length=300,
        required=False,
        help_text=_(
            "When you answer in a group: name your partners here, or choose its eligible member."
        ),
    )
    eligible_member = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Eligible member of the group"),
        required=False,
        help_text=_(
            "This pitch is reserved: a structure that is not eligible by itself answers in a "
            "group that names an eligible structure (its type verified by the organisers), "
            "registered for this event or listed in the directory."
        ),
    )
    wants_meeting = forms.BooleanField(
        label=_("We would like a meeting with the buyer on the day"), required=False, initial=True
    )
    message = forms.CharField(
        label=_("Message to the buyer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
    )

    def __init__(self, *args, pitch, organisations, interest=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pitch = pitch
        self.questions = list(pitch.screening_questions.all())
        _organisation_field(self, organisations if interest is None else [interest.organisation])
        lots = list(pitch.lots.all())
        if lots:
            self.fields["lots"].queryset = pitch.lots.all()
            self.fields["lots"].required = True
        else:
            del self.fields["lots"]
        existing = {}
        if interest is not None:
            existing = {answer.question_id: answer.text for answer in interest.answers.all()}
        for question in self.questions:
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                label=question.text,
                required=question.required,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=existing.get(question.pk, ""),
                max_length=3000,
            )
        self._reserved_route_fields(organisations if interest is None else [interest.organisation])
        self.order_fields(
            [
                "organisation",
                *(f"answer_{q.pk}" for q in self.questions),
                *("lots", "group_mode", "eligible_member", "partners", "wants_meeting", "message"),
            ]
        )

    def _reserved_route_fields(self, organisations) -> None:
        """On a reserved pitch: the eligible member to name, and why a structure that is not
        eligible may not answer alone (the rule is pitches.rules.answer_eligibility)."""
        self.route_notice = ""
        self.no_eligible_member = False
        if not is_reserved(self.pitch.route):
            del self.fields["eligible_member"]
            return
        members = eligible_group_members(self.pitch, excluding=organisations)
        self.fields["eligible_member"].queryset = Organisation.objects.filter(
            pk__in=[org.pk for org in members]
        ).order_by("name", "pk")
        if self.only_organisation is not None:
            own = eligibility(self.only_organisation, self.pitch.route)
            if own != Eligibility.ELIGIBLE:
                self.route_notice = NOT_ELIGIBLE_ALONE_TEXT[own]
                self.no_eligible_member = not members
                self.initial.setdefault("group_mode", GroupMode.GROUP)

    def clean(self):
        cleaned = super().clean()
        group = cleaned.get("group_mode") == GroupMode.GROUP
        member = cleaned.get("eligible_member") if group else None
        if group and not cleaned.get("partners", "").strip() and member is None:
            self.add_error("partners", _("Name your partners when you answer in a group."))
        organisation = self.acting_organisation()
        if "eligible_member" in self.fields and organisation is not None:
            own = eligibility(organisation, self.pitch.route)
            if member is not None and member.pk == organisation.pk:
                self.add_error(
                    "eligible_member", _("Name another structure than your own as eligible member.")
                )
            elif own != Eligibility.ELIGIBLE and not group:
                self.add_error("group_mode", NOT_ELIGIBLE_ALONE_TEXT[own])
            elif own != Eligibility.ELIGIBLE and member is None:
                self.add_error("eligible_member", _("Name the eligible structure of your group."))
        return cleaned

    def acting_organisation(self):
        return self.cleaned_data.get("organisation") or self.only_organisation

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "answers": {q.pk: data.get(f"answer_{q.pk}", "") for q in self.questions},
            "lots": list(data.get("lots") or []),
            "group_mode": data["group_mode"],
            "partners": data.get("partners", ""),
            "eligible_member": data.get("eligible_member")
            if data["group_mode"] == GroupMode.GROUP
            else None,
            "wants_meeting": data.get("wants_meeting", False),
            "message": data.get("message", ""),
        }


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason given to the structure"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionForm(BoundedNumbersMixin, forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label=_("On behalf of"))
    text = forms.CharField(
        label=_("Your question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The answer will be published to every interested structure, without your name."
        ),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        _organisation_field(self, organisations)

    def acting_organisation(self):
        return self.cleaned_data.get("organisation") or self.only_organisation


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Published on the pitch page and emailed to every interested structure. You can "
            "answer only once."
        ),
    )


class WithdrawPitchForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)
