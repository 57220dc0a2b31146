"""The people the tests act as, named once.

Every role of the access matrix (tests/access.py) is a fixture of tests/conftest.py with the same
name, and a key of `world.users` (except anonymous). Roles *in the product* (buyer, ESS, admin,
member...) are the apps' enums (`RegistrationRole`, `MembershipRole`, `OrganisationKind`): tests
use those, never strings of their own.
"""

ANONYMOUS = "anonymous"
BUYER = "buyer"  # admin of world.buyer_org, registered for world.event as a buyer
ESS_MEMBER = "ess_member"  # plain member of world.ess_org, registered as an ESS structure
ESS_ADMIN = "ess_admin"  # admin of world.ess_org, registered as an ESS structure
ORGANISER = "organiser"  # organiser of world.event
OTHER_ORGANISER = "other_organiser"  # organiser of world.other_event, not world.event
STRANGER = "stranger"  # signed in, and nothing else: no organisation, no registration
# Admin of another ESS structure, registered (validated) for world.other_event only.
OTHER_PARTICIPANT = "other_participant"
# Admin of another ESS structure registered (validated) for world.event: the same event as
# world.ess_org, not the same organisation.
OTHER_ESS = "other_ess"
STAFF = "staff"  # the platform's staff (is_staff): acts as the organiser of every event

# The access matrix's first columns, in this order (the positional arguments of `expect`).
BASE_ROLES = (ANONYMOUS, BUYER, ESS_MEMBER, ESS_ADMIN, ORGANISER, OTHER_ORGANISER)
# The other columns, and the column each one expects the same status as unless a case says
# otherwise (tests/access.py): outsiders of the event are refused as another event's organiser
# is; another structure of the event gets what world.ess_org's admin gets on the event's pages;
# staff get what the organiser gets.
DERIVED_ROLES = {
    STRANGER: OTHER_ORGANISER,
    OTHER_PARTICIPANT: OTHER_ORGANISER,
    OTHER_ESS: ESS_ADMIN,
    STAFF: ORGANISER,
}
ROLES = BASE_ROLES + tuple(DERIVED_ROLES)
LOGGED_IN = ROLES[1:]

# The password of every user built by tests.factories.UserFactory.
PASSWORD = "osez-test-password"
