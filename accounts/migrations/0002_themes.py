from django.db import migrations

THEMES = ["food", "mobility", "housing", "waste", "cleaning", "green_spaces", "textiles", "digital", "other"]


def create_themes(apps, schema_editor):
    Theme = apps.get_model("accounts", "Theme")
    for code in THEMES:
        Theme.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_themes, migrations.RunPython.noop)]
