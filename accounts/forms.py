"""Forms of the accounts app: they validate; services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret as siret_check

from core import uploads
from core.forms import BoundedNumbersMixin

from .enums import MembershipRole, OrganisationKind, TerritoryKind
from .models import Organisation, Territory, Theme, User

MAX_LOGO_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}
LOGO_MESSAGE = _("The logo must be a PNG, JPEG or WebP image of 2 MB at most.")


class SignupExtraForm(forms.Form):
    """Names asked at sign-up (allauth's ACCOUNT_SIGNUP_FORM_CLASS)."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])


def territory_choices(queryset=None) -> list:
    """Territories grouped by kind (regions, departments, EPCI, communes), labelled with codes."""
    territories = list(queryset if queryset is not None else Territory.objects.all())
    groups = []
    for kind, label in TerritoryKind.choices:
        items = sorted((t for t in territories if t.kind == kind), key=lambda t: t.code)
        if kind == TerritoryKind.REGION:
            options = [(t.code, t.name) for t in sorted(items, key=lambda t: t.name)]
        else:
            options = [(t.code, f"{t.name} ({t.code})") for t in items]
        if options:
            groups.append((label, options))
    return groups


class TerritoryChecklist(forms.CheckboxSelectMultiple):
    """A long grouped checklist in a scrolling box, with a filter field added by accounts.js."""

    template_name = "accounts/widgets/territory_checklist.html"


def clean_siret(value: str) -> str:
    value = siret_check.compact(value or "")
    if not siret_check.is_valid(value):
        raise ValidationError(_("This SIRET number is not valid: check the 14 digits."))
    return value


class OrganisationForm(BoundedNumbersMixin, forms.ModelForm):
    # Declared (not generated) so that spaces are accepted before compacting to 14 digits.
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=30,
        help_text=_("14 digits, spaces allowed."),
        error_messages={
            "unique": _(
                "An organisation with this SIRET is already registered: ask its administrators "
                "to invite you."
            )
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label=_("Your organisation is"),
        choices=OrganisationKind.choices,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "name",
            "siret",
            "buyer_kind",
            "legal_form",
            "insertion_type",
            "disability_type",
            "esus_agreed",
            "esus_start",
            "esus_end",
            "themes",
            "territories",
            "size",
            "description",
            "website",
            "logo",
            "listed_in_directory",
        ]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "territories": TerritoryChecklist,
            "esus_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "esus_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 5}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        }
        help_texts = {
            "territories": _("Where your organisation works or buys. Used for outreach only."),
            "logo": _("PNG, JPEG or WebP, 2 MB at most."),
            "esus_agreed": _("Holds the “entreprise solidaire d'utilité sociale” agreement."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.all()
        self.fields["territories"].choices = territory_choices()
        self.fields["logo"].error_messages["invalid_image"] = LOGO_MESSAGE
        if self.instance.pk:
            # The kind is chosen once; a buyer does not become an ESS structure.
            self.fields["kind"].disabled = True
            self.fields["kind"].initial = self.instance.kind
        else:
            self.fields["kind"].initial = OrganisationKind.ESS

    def clean_siret(self) -> str:
        return clean_siret(self.cleaned_data.get("siret"))

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # no new file (None), cleared (False) or the stored one
        # forms.ImageField already opened it with Pillow (invalid_image otherwise).
        image_format = getattr(getattr(logo, "image", None), "format", None)
        if logo.size > MAX_LOGO_BYTES or image_format not in LOGO_FORMATS:
            raise ValidationError(LOGO_MESSAGE)
        # Then every pixel decoded, the dimensions bounded first (core.uploads).
        logo.seek(0)
        uploads.check_image(logo.read(), LOGO_FORMATS, label=image_format)
        logo.seek(0)
        return logo

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == OrganisationKind.BUYER:
            if not data.get("buyer_kind"):
                self.add_error("buyer_kind", _("Choose the type of buyer."))
            for field in ("legal_form", "insertion_type", "disability_type"):
                data[field] = ""
            data["esus_agreed"] = False
            data["esus_start"] = data["esus_end"] = None
        elif kind == OrganisationKind.ESS:
            data["buyer_kind"] = ""
            if not data.get("legal_form"):
                self.add_error("legal_form", _("Choose the legal form of the structure."))
            if data.get("esus_agreed"):
                start, end = data.get("esus_start"), data.get("esus_end")
                if not start:
                    self.add_error("esus_start", _("Give the start date of the ESUS agreement."))
                if not end:
                    self.add_error("esus_end", _("Give the end date of the ESUS agreement."))
                if start and end and end < start:
                    self.add_error(
                        "esus_end", _("The end of the agreement must come after its start.")
                    )
            else:
                data["esus_start"] = data["esus_end"] = None
        return data

    def profile_data(self) -> dict:
        relations = {"kind", "themes", "territories"}
        return {k: v for k, v in self.cleaned_data.items() if k not in relations}


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address of your colleague"))
    role = forms.ChoiceField(
        label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.MEMBER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "job_title",
            "phone",
            "share_contact_details",
            "language",
        ]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}
        labels = {"language": _("Language of my emails")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("This password is not correct."))
        return password
