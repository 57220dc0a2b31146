"""The migrations that add calendar UIDs and feed tokens give each existing row its own UUID (an
AddField default would give them all the same one, and the unique constraint would refuse it)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

BEFORE = [
    ("events", "0002_table_order_and_home_table"),
    ("matching", "0005_emails_through_outbox"),
]
AFTER = [
    ("events", "0003_calendar_identity_and_feed_token"),
    ("matching", "0006_request_calendar_identity"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrations_fill_a_distinct_uuid_per_existing_row():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Event = old.get_model("events", "Event")
    Session = old.get_model("events", "Session")
    Registration = old.get_model("events", "Registration")
    event = Event.objects.create(
        slug="migr", title="M", start_date="2019-11-26", end_date="2019-11-26", venue="Lille"
    )
    for n in range(3):
        Session.objects.create(
            event=event,
            kind="plenary",
            title=f"S{n}",
            starts_at="2019-11-26T09:00Z",
            ends_at="2019-11-26T10:00Z",
        )
        user = UserFactory()  # accounts stays migrated: today's model fits its table
        Registration.objects.create(
            event=event, user_id=user.pk, role="visitor", status="validated"
        )

    people = list(Registration.objects.order_by("pk"))
    MeetingRequest = old.get_model("matching", "MeetingRequest")
    for sender, recipient in ((people[0], people[1]), (people[1], people[2])):
        MeetingRequest.objects.create(event=event, sender=sender, recipient=recipient)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    uids = list(new.get_model("events", "Session").objects.values_list("ical_uid", flat=True))
    tokens = list(
        new.get_model("events", "Registration").objects.values_list("ical_token", flat=True)
    )
    requests = list(
        new.get_model("matching", "MeetingRequest").objects.values_list("ical_uid", flat=True)
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert len(set(uids)) == 3 and None not in uids
    assert len(set(tokens)) == 3 and None not in tokens
    assert len(set(requests)) == 2 and None not in requests
