"""The quiet period's lapse email became one kind with the requests phase's close: rows written
under the old name, and people's choices, follow the new one (matching 0008)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

NOTIFICATIONS = ("notifications", "0002_recipient_address_preferences_read")
BEFORE = [("matching", "0007_reminder_minutes"), NOTIFICATIONS]
AFTER = [("matching", "0008_one_lapsed_kind"), NOTIFICATIONS]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_old_lapse_rows_and_choices_take_the_new_kind():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OutboxMessage = old.get_model("notifications", "OutboxMessage")
    EmailPreference = old.get_model("notifications", "EmailPreference")
    someone, other = UserFactory(), UserFactory()
    OutboxMessage.objects.create(
        recipient_id=someone.pk,
        kind="matching.quiet_period_lapsed",
        object_key="meeting_request:1",
        context={"request_id": 1},
    )
    EmailPreference.objects.create(
        user_id=someone.pk, kind="matching.quiet_period_lapsed", enabled=False
    )
    EmailPreference.objects.create(
        user_id=other.pk, kind="matching.quiet_period_lapsed", enabled=False
    )
    EmailPreference.objects.create(user_id=other.pk, kind="matching.request_lapsed", enabled=True)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = list(new.get_model("notifications", "OutboxMessage").objects.values("kind", "context"))
    choices = sorted(
        new.get_model("notifications", "EmailPreference").objects.values_list(
            "user_id", "kind", "enabled"
        )
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert rows == [
        {"kind": "matching.request_lapsed", "context": {"request_id": 1, "why": "quiet_period"}}
    ]
    assert choices == sorted(
        [
            (someone.pk, "matching.request_lapsed", False),
            (other.pk, "matching.request_lapsed", True),
        ]
    )
