from django.db import models
from django.utils.translation import gettext_lazy as _


class PitchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Route(models.TextChoices):
    """Procurement routes a pitch can name (Code de la commande publique)."""

    SOURCING = "sourcing", _("Sourcing only")
    QUOTE = "quote", _("Quote below the no-publicity threshold")
    ADAPTED = "adapted", _("Adapted procedure")
    RESERVED_DISABILITY = "reserved_ea_esat", _("Reserved for EA and ESAT (L2113-12)")
    RESERVED_SIAE = "reserved_siae", _("Reserved for SIAE (L2113-13)")
    RESERVED_BOTH = "reserved_both", _("Reserved for EA, ESAT and SIAE (L2113-14)")
    RESERVED_ESS = "reserved_ess", _("Reserved for ESS companies, social services (L2113-15)")
    SOCIAL_CLAUSE = "social_clause", _("Social clause (L2112-2)")


RESERVED_ROUTES = frozenset(
    {Route.RESERVED_DISABILITY, Route.RESERVED_SIAE, Route.RESERVED_BOTH, Route.RESERVED_ESS}
)


class AmountRange(models.TextChoices):
    UNKNOWN = "unknown", _("Not known yet")
    NOT_SHARED = "not_shared", _("Not shared")
    BELOW_40K = "lt40k", _("Under €40,000")
    FROM_40K = "40k-90k", _("€40,000 to €90,000")
    FROM_90K = "90k-221k", _("€90,000 to €221,000")
    FROM_221K = "221k-750k", _("€221,000 to €750,000")
    ABOVE_750K = "gt750k", _("Over €750,000")


class InterestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


INTEREST_ACTIVE = frozenset({InterestStatus.SUBMITTED, InterestStatus.SHORTLISTED})


class GroupMode(models.TextChoices):
    ALONE = "alone", _("Alone")
    GROUP = "group", _("In a group (consortium or subcontracting)")


class LogKind(models.TextChoices):
    PUBLISHED = "published", _("Pitch published")
    UPDATED = "updated", _("Pitch updated")
    WITHDRAWN = "withdrawn", _("Pitch withdrawn")
    INTEREST = "interest", _("Interest expressed")
    INTEREST_UPDATED = "interest_updated", _("Interest updated")
    INTEREST_WITHDRAWN = "interest_withdrawn", _("Interest withdrawn")
    SHORTLISTED = "shortlisted", _("Structure shortlisted")
    DECLINED = "declined", _("Structure declined")
    QUESTION = "question", _("Question asked")
    ANSWER = "answer", _("Answer published to all interested structures")
    DOCUMENT = "document", _("Document shared")
    MEETING = "meeting", _("Meeting")
    CONSULTATION = "consultation", _("Consultation launched")
    CONSULTATION_CORRECTED = "consultation_corrected", _("Consultation launch corrected")
    QUIET_PERIOD = "quiet_period", _("Quiet period started")
    FOLLOW_UP = "follow_up", _("Follow-up after the day")


class AttachmentKind(models.TextChoices):
    SPECIFICATION = "specification", _("Needs description or specification")
    PLAN = "plan", _("Purchase plan")
    OTHER = "other", _("Other")


# Allowed status moves of an interest: the buyer shortlists or declines; the structure withdraws.
INTEREST_TRANSITIONS = {
    InterestStatus.SUBMITTED: {
        InterestStatus.SHORTLISTED,
        InterestStatus.DECLINED,
        InterestStatus.WITHDRAWN,
    },
    InterestStatus.SHORTLISTED: {InterestStatus.DECLINED, InterestStatus.WITHDRAWN},
    InterestStatus.DECLINED: {InterestStatus.SHORTLISTED, InterestStatus.WITHDRAWN},
    InterestStatus.WITHDRAWN: {InterestStatus.SUBMITTED},
}

# Every structure that said it is interested and did not withdraw receives the published answers.
INTEREST_RECEIVES_ANSWERS = frozenset(
    {InterestStatus.SUBMITTED, InterestStatus.SHORTLISTED, InterestStatus.DECLINED}
)


class Eligibility(models.TextChoices):
    """Whether a structure may answer a pitch, given the pitch's procurement route."""

    ELIGIBLE = "eligible", _("Eligible")
    NOT_VERIFIED = "not_verified", _("Type not verified yet")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible for this reserved route")
