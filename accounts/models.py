from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import (
    SIAE_TYPES,
    BuyerKind,
    DisabilityType,
    InsertionType,
    LegalForm,
    MembershipRole,
    OrganisationKind,
    Size,
    TerritoryKind,
    ThemeCode,
)


class EmailUserManager(UserManager):
    """Users log in by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("email address"), unique=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    share_contact_details = models.BooleanField(
        _("share my contact details with every registered participant"),
        default=False,
        help_text=_(
            "Otherwise your email address and phone number are shown to another organisation only "
            "after an interest or a meeting has been accepted by both sides."
        ),
    )

    # The language of the emails written to this person (set from the page's language at sign-up
    # and whenever they switch it).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Theme(models.Model):
    """One of the fixed purchasing themes; a table so organisations can have several."""

    code = models.CharField(_("code"), max_length=20, primary_key=True, choices=ThemeCode.choices)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(ThemeCode(self.code).label)


class Territory(models.Model):
    """A region, department, intermunicipality or commune, by its official code.

    Codes: a region is "R" + its INSEE code ("R32": region and department codes overlap), a
    department its INSEE code ("59", "2A", "971"), an EPCI its SIREN ("200093201"), a commune its
    INSEE code ("59350"). Loaded by migration 0003_territories.
    """

    code = models.CharField(_("code"), max_length=20, primary_key=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TerritoryKind.choices)
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    siret = models.CharField(_("SIRET"), max_length=14, unique=True)
    buyer_kind = models.CharField(
        _("type of buyer"), max_length=30, choices=BuyerKind.choices, blank=True
    )
    legal_form = models.CharField(
        _("legal form"), max_length=30, choices=LegalForm.choices, blank=True
    )
    insertion_type = models.CharField(
        _("insertion type"), max_length=10, choices=InsertionType.choices, blank=True, default=""
    )
    disability_type = models.CharField(
        _("disability type"), max_length=10, choices=DisabilityType.choices, blank=True, default=""
    )
    esus_agreed = models.BooleanField(_("ESUS agreement"), default=False)
    esus_start = models.DateField(_("ESUS agreement from"), null=True, blank=True)
    esus_end = models.DateField(_("ESUS agreement until"), null=True, blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    territories = models.ManyToManyField(
        Territory, verbose_name=_("territory served"), blank=True, related_name="organisations"
    )
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    listed_in_directory = models.BooleanField(
        _("listed in the public directory"),
        default=False,
        help_text=_("Your organisation appears in the public directory of ESS structures."),
    )
    verified_at = models.DateTimeField(
        _("type verified on"),
        null=True,
        blank=True,
        help_text=_("Set by an organiser once the legal form and types have been checked."),
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    members = models.ManyToManyField(
        User, through="Membership", related_name="organisations", verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=OrganisationKind.BUYER) | Q(buyer_kind=""),
                name="organisation_buyer_kind_only_for_buyers",
            ),
            models.CheckConstraint(
                condition=Q(kind=OrganisationKind.ESS)
                | (
                    Q(legal_form="")
                    & Q(insertion_type="")
                    & Q(disability_type="")
                    & Q(esus_agreed=False)
                ),
                name="organisation_ess_fields_only_for_ess",
            ),
            models.CheckConstraint(
                condition=Q(esus_start__isnull=True)
                | Q(esus_end__isnull=True)
                | Q(esus_end__gte=models.F("esus_start")),
                name="organisation_esus_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_buyer(self) -> bool:
        return self.kind == OrganisationKind.BUYER

    @property
    def is_ess(self) -> bool:
        return self.kind == OrganisationKind.ESS

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def type_verified(self) -> bool:
        """An ESS structure whose legal form and types an organiser checked (route eligibility)."""
        return self.is_ess and self.verified_at is not None

    @property
    def is_siae(self) -> bool:
        return self.insertion_type in SIAE_TYPES

    @property
    def is_disability_enterprise(self) -> bool:
        return self.disability_type in {DisabilityType.EA, DisabilityType.ESAT}


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    joined_at = models.DateTimeField(_("joined on"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class Invitation(models.Model):
    """An organisation admin invites a colleague by email; accepting creates the membership."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("sent on"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True),
                name="invitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"
