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
OTHER_ORGANISER = "other_organiser"  # organiser of another event, not world.event

# The access matrix's columns, in this order.
ROLES = (ANONYMOUS, BUYER, ESS_MEMBER, ESS_ADMIN, ORGANISER, OTHER_ORGANISER)
LOGGED_IN = ROLES[1:]

# The password of every user built by tests.factories.UserFactory.
PASSWORD = "osez-test-password"
