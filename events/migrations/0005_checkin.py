"""Check-in on the day: who checked the person in, and the secret of their QR code.

The token column is added empty, filled with one fresh UUID per existing row (a default on AddField
would give every row the same value), then made unique and required."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_tokens(apps, schema_editor):
    Registration = apps.get_model("events", "Registration")
    rows = list(Registration.objects.filter(checkin_token__isnull=True).only("pk"))
    for row in rows:
        row.checkin_token = uuid.uuid4()
    Registration.objects.bulk_update(rows, ["checkin_token"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_feedback_after_the_event"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="checked_in_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="checked in by",
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="checkin_token",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="registration",
            name="checkin_token",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.CheckConstraint(
                condition=models.Q(("checked_in_at__isnull", False), ("checked_in_by__isnull", True), _connector="OR"),
                name="registration_checked_in_by_only_when_checked_in",
            ),
        ),
    ]
