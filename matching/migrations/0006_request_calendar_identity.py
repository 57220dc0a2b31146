"""Calendar identity of meetings, on the request (a meeting row is re-created when moved).

The UUID column is added empty, filled with one fresh UUID per existing row (a default on AddField
would give every row the same value), then made unique and required."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def fill_uuids(apps, schema_editor):
    MeetingRequest = apps.get_model("matching", "MeetingRequest")
    rows = list(MeetingRequest.objects.filter(ical_uid__isnull=True).only("pk"))
    for row in rows:
        row.ical_uid = uuid.uuid4()
    MeetingRequest.objects.bulk_update(rows, ["ical_uid"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_calendar_identity_and_feed_token"),
        ("matching", "0005_emails_through_outbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingrequest",
            name="ical_modified_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name="meetingrequest",
            name="ical_sequence",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="meetingrequest",
            name="ical_uid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="meetingrequest",
            name="cancelled_slot",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="events.slot",
            ),
        ),
        migrations.AddField(
            model_name="meetingrequest",
            name="cancelled_table",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="events.table",
            ),
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="meetingrequest",
            name="ical_uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
