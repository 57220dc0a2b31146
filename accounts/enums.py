from django.db import models
from django.utils.translation import gettext_lazy as _


class ThemeCode(models.TextChoices):
    FOOD = "food", _("Food and catering")
    MOBILITY = "mobility", _("Mobility and logistics")
    HOUSING = "housing", _("Housing and living environment")
    WASTE = "waste", _("Waste and circular economy")
    CLEANING = "cleaning", _("Cleaning")
    GREEN_SPACES = "green_spaces", _("Green spaces")
    TEXTILES = "textiles", _("Textiles")
    DIGITAL = "digital", _("Digital")
    OTHER = "other", _("Other")


class TerritoryKind(models.TextChoices):
    REGION = "region", _("Region")
    DEPARTMENT = "department", _("Department")
    EPCI = "epci", _("Intermunicipality (EPCI)")
    COMMUNE = "commune", _("Commune")


class OrganisationKind(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    ESS = "ess", _("ESS structure")


class BuyerKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", _("Commune, EPCI or metropolis")
    DEPARTMENT_REGION = "department_region", _("Department or region")
    PUBLIC_ESTABLISHMENT = "public_establishment", _("Public establishment")
    HOSPITAL = "hospital", _("Hospital")
    SOCIAL_LANDLORD = "social_landlord", _("Social landlord")
    STATE = "state", _("State service")
    PRIVATE = "private", _("Private company")


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    SCOP = "scop", _("SCOP (worker cooperative)")
    SCIC = "scic", _("SCIC (multi-stakeholder cooperative)")
    COOPERATIVE = "cooperative", _("Other cooperative")
    MUTUAL = "mutual", _("Mutual")
    FOUNDATION = "foundation", _("Foundation")
    ESUS_COMPANY = "esus_company", _("ESUS company")


class InsertionType(models.TextChoices):
    NONE = "", _("None")
    ACI = "aci", _("ACI (insertion workshop and site)")
    EI = "ei", _("EI (insertion enterprise)")
    AI = "ai", _("AI (intermediary association)")
    ETTI = "etti", _("ETTI (temporary work insertion enterprise)")
    EITI = "eiti", _("EITI (independent work insertion enterprise)")
    GEIQ = "geiq", _("GEIQ (employers' group for insertion and qualification)")


# The structures of insertion by economic activity (SIAE) that L2113-13 reserves contracts for.
SIAE_TYPES = frozenset(
    {InsertionType.ACI, InsertionType.EI, InsertionType.AI, InsertionType.ETTI, InsertionType.EITI}
)


class DisabilityType(models.TextChoices):
    NONE = "", _("None")
    EA = "ea", _("EA (adapted enterprise)")
    ESAT = "esat", _("ESAT (work-based support establishment)")


class Size(models.TextChoices):
    MICRO = "1-9", _("1 to 9 people")
    SMALL = "10-49", _("10 to 49 people")
    MEDIUM = "50-249", _("50 to 249 people")
    LARGE = "250+", _("250 people or more")


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MEMBER = "member", _("Member")
