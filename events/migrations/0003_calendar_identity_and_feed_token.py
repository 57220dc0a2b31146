"""Calendar identity of programme sessions and the secret of each registration's feed.

UUID columns are added empty, filled with one fresh UUID per existing row (a default on AddField
would give every row the same value), then made unique and required."""

import uuid

import django.utils.timezone
from django.db import migrations, models


def fill_uuids(apps, schema_editor):
    for model, field in (("Session", "ical_uid"), ("Registration", "ical_token")):
        Model = apps.get_model("events", model)
        rows = list(Model.objects.filter(**{f"{field}__isnull": True}).only("pk"))
        for row in rows:
            setattr(row, field, uuid.uuid4())
        Model.objects.bulk_update(rows, [field], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("events", "0002_table_order_and_home_table")]

    operations = [
        migrations.AddField(
            model_name="session",
            name="ical_modified_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name="session",
            name="ical_sequence",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="session",
            name="ical_uid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="registration",
            name="ical_token",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="session",
            name="ical_uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="registration",
            name="ical_token",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
