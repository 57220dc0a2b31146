from tests.access import Case, expect, fuzz_test, matrix_test

PUBLIC = expect(200, 200, 200, 200, 200, 200)
LOGGED_IN = expect(302, 200, 200, 200, 200, 200)
STAFF_ONLY = expect(302, 403, 403, 403, 403, 403, staff=200)
ORGANISER_PAGE = expect(302, 403, 403, 403, 200, 403)
ORGANISER_ACTION = expect(302, 403, 403, 403, 302, 403)


def slug(world):
    return {"slug": world.event.slug}


def with_pk(attr):
    return lambda world: {"slug": world.event.slug, "pk": getattr(world, attr).pk}


CASES = [
    Case("events:create", STAFF_ONLY),
    Case("events:detail", PUBLIC, slug),
    Case("events:register", LOGGED_IN, slug),
    Case("events:programme_feed", PUBLIC, slug),
    # The secret in the URL is the key (calendar apps send no cookie): whoever holds it gets it.
    Case(
        "events:calendar_feed",
        PUBLIC,
        lambda world: {
            "token": world.users["buyer"].registrations.get(event=world.event).ical_token
        },
    ),
    # A new feed address needs a registration of one's own: the organisers have none.
    Case("events:calendar_regenerate", expect(302, 302, 302, 302, 404, 404), slug, method="post"),
    # Cancelling needs a registration of one's own: the organisers have none.
    Case("events:cancel_registration", expect(302, 302, 302, 302, 404, 404), slug, method="post"),
    # Feedback needs a validated registration of one's own: the organisers have none. The
    # world's event is long over, so the page says the form is closed.
    Case("events:feedback", expect(302, 200, 200, 200, 404, 404), slug),
    Case(
        "events:feedback",
        expect(302, 403, 403, 403, 404, 404),
        slug,
        method="post",
        data=lambda world: {"rating": "5", "would_come_again": "yes"},
    ),
    # One's own badge needs a validated registration of one's own: the organisers have none.
    Case("events:my_badge", expect(302, 200, 200, 200, 404, 404), slug),
    Case("events:my_badge_pdf", expect(302, 200, 200, 200, 404, 404), slug),
    Case("events:console", ORGANISER_PAGE, slug),
    Case("events:checkin_desk", ORGANISER_PAGE, slug),
    Case("events:badges", ORGANISER_PAGE, slug),
    Case("events:exports", ORGANISER_PAGE, slug),
    Case(
        "events:export",
        ORGANISER_PAGE,
        lambda world: {"slug": world.event.slug, "name": "registrations", "fmt": "xlsx"},
    ),
    Case(
        "events:checkin_scan",
        ORGANISER_ACTION,
        slug,
        method="post",
        data=lambda world: {"code": world.registration.checkin_code},
    ),
    Case("events:checkin_registration", ORGANISER_ACTION, with_pk("registration"), method="post"),
    # Not checked in: refused, and back to the desk (302) with the message.
    Case("events:checkin_undo", ORGANISER_ACTION, with_pk("registration"), method="post"),
    Case("events:edit", ORGANISER_PAGE, slug),
    Case(
        "events:move_phase",
        ORGANISER_ACTION,
        slug,
        method="post",
        data=lambda world: {"phase": "requests"},
    ),
    Case("events:organisers", ORGANISER_PAGE, slug),
    Case(
        "events:organiser_remove",
        ORGANISER_ACTION,
        lambda world: {"slug": world.event.slug, "user_id": world.users["organiser"].pk},
        method="post",
    ),
    Case("events:programme", ORGANISER_PAGE, slug),
    Case("events:session_create", ORGANISER_PAGE, slug),
    Case("events:session_edit", ORGANISER_PAGE, with_pk("session")),
    Case("events:session_delete", ORGANISER_ACTION, with_pk("session"), method="post"),
    Case("events:rooms", ORGANISER_PAGE, slug),
    Case("events:room_edit", ORGANISER_PAGE, with_pk("room")),
    Case("events:room_delete", ORGANISER_ACTION, with_pk("room"), method="post"),
    Case("events:tables", ORGANISER_PAGE, slug),
    Case("events:tables_bulk", ORGANISER_PAGE, slug),
    Case("events:table_edit", ORGANISER_PAGE, with_pk("table")),
    Case("events:table_delete", ORGANISER_ACTION, with_pk("table"), method="post"),
    Case("events:slots", ORGANISER_PAGE, slug),
    Case("events:registrations", ORGANISER_PAGE, slug),
    # Structures awaiting verification (world.ess_org is registered and not verified).
    Case("events:verification", ORGANISER_PAGE, slug),
    Case(
        "events:verification_verify",
        ORGANISER_ACTION,
        lambda world: {"slug": world.event.slug, "pk": world.ess_org.pk},
        method="post",
    ),
    Case("events:register_on_behalf", ORGANISER_PAGE, slug),
    Case("events:import_people", ORGANISER_PAGE, slug),
    # No file: the page again, with the form's error.
    Case("events:import_people", ORGANISER_PAGE, slug, method="post"),
    # No preview kept: back to the import page (302) with the message.
    Case("events:import_confirm", ORGANISER_ACTION, slug, method="post"),
    Case(
        "events:import_template",
        ORGANISER_PAGE,
        lambda world: {"slug": world.event.slug, "file_format": "csv"},
    ),
    Case(
        "events:import_template",
        ORGANISER_PAGE,
        lambda world: {"slug": world.event.slug, "file_format": "xlsx"},
    ),
    Case("events:registration_validate", ORGANISER_ACTION, with_pk("registration"), method="post"),
    Case(
        "events:registration_refuse",
        ORGANISER_ACTION,
        with_pk("registration"),
        method="post",
        data=lambda world: {"reason": "Hors périmètre"},
    ),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
