"""The quiet period's lapse email became one kind with the requests phase's close
(matching.request_lapsed, its cause in the context): rows already written and people's choices
follow the new name, so none is left with a kind nobody renders."""

from django.db import migrations

OLD, NEW = "matching.quiet_period_lapsed", "matching.request_lapsed"


def rename(apps, schema_editor):
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    EmailPreference = apps.get_model("notifications", "EmailPreference")
    for row in OutboxMessage.objects.filter(kind=OLD):
        row.kind = NEW
        row.context = {**row.context, "why": "quiet_period"}
        row.save(update_fields=["kind", "context"])
    # A person's choice for the old kind carries over unless they already chose for the new one.
    chosen = set(EmailPreference.objects.filter(kind=NEW).values_list("user_id", flat=True))
    EmailPreference.objects.filter(kind=OLD).exclude(user_id__in=chosen).update(kind=NEW)
    EmailPreference.objects.filter(kind=OLD).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0007_reminder_minutes"),
        ("notifications", "0002_recipient_address_preferences_read"),
    ]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
