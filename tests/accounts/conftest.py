import pytest


@pytest.fixture
def world(world):
    """The ESS organisation is listed in the directory and has a pending invitation; an unlisted
    ESS structure (no members) is added."""
    from accounts.services import invite_member
    from tests.factories import OrganisationFactory

    world.ess_org.listed_in_directory = True
    world.ess_org.save(update_fields=["listed_in_directory"])
    world.invitation = invite_member(
        organisation=world.ess_org,
        inviter=world.users["ess_admin"],
        email="newcomer@example.org",
    )
    world.ess_member_membership = world.ess_org.memberships.get(user=world.users["ess_member"])
    world.hidden_org = OrganisationFactory(listed_in_directory=False)
    return world
