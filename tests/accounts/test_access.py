from tests.access import Case, expect, fuzz_test, matrix_test


def ess(world):
    return {"slug": world.ess_org.slug}


def ess_member_membership(world):
    return {"slug": world.ess_org.slug, "pk": world.ess_member_membership.pk}


CASES = [
    Case("accounts:dashboard", expect(302, 200, 200, 200, 200, 200)),
    Case("accounts:profile_edit", expect(302, 200, 200, 200, 200, 200)),
    Case("accounts:data_export", expect(302, 200, 200, 200, 200, 200)),
    Case("accounts:delete_account", expect(302, 200, 200, 200, 200, 200)),
    Case("accounts:privacy", expect(200, 200, 200, 200, 200, 200)),
    Case("accounts:directory", expect(200, 200, 200, 200, 200, 200)),
    Case("accounts:organisation_create", expect(302, 200, 200, 200, 200, 200)),
    Case("accounts:organisation_detail", expect(200, 200, 200, 200, 200, 200), kwargs=ess),
    Case(
        "accounts:organisation_detail",
        expect(200, 200, 200, 200, 200, 200),
        kwargs=lambda world: {"slug": world.buyer_org.slug},
    ),
    # An ESS structure that is not in the directory: for signed-in participants only.
    Case(
        "accounts:organisation_detail",
        expect(302, 200, 200, 200, 200, 200),
        kwargs=lambda world: {"slug": world.hidden_org.slug},
    ),
    # Without a logo there is nothing to serve (the logo itself: test_organisation_views.py).
    Case("accounts:organisation_logo", expect(404, 404, 404, 404, 404, 404), kwargs=ess),
    # Staff may change and see any organisation; another structure's admin may not.
    Case(
        "accounts:organisation_edit",
        expect(302, 403, 403, 200, 403, 403, other_ess=403, staff=200),
        kwargs=ess,
    ),
    # Organisers of an event the structure is registered for verify its declared types.
    Case(
        "accounts:organisation_verify",
        expect(302, 403, 403, 403, 302, 403),
        kwargs=ess,
        method="post",
    ),
    Case(
        "accounts:organisation_members",
        expect(302, 403, 200, 200, 403, 403, other_ess=403, staff=200),
        kwargs=ess,
    ),
    Case(
        "accounts:organisation_invite",
        expect(302, 403, 403, 200, 403, 403, other_ess=403),
        kwargs=ess,
    ),
    Case(
        "accounts:member_role",
        expect(302, 403, 403, 302, 403, 403, other_ess=403),
        kwargs=ess_member_membership,
        method="post",
        data=lambda world: {"role": "admin"},
    ),
    # The member may leave (302); only admins remove others.
    Case(
        "accounts:member_remove",
        expect(302, 403, 302, 302, 403, 403, other_ess=403),
        kwargs=ess_member_membership,
        method="post",
    ),
    # Anonymous: sent to sign-up; signed in with another address: 403 with an explanation.
    Case(
        "accounts:invitation_accept",
        expect(302, 403, 403, 403, 403, 403),
        kwargs=lambda world: {"token": world.invitation.token},
    ),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
