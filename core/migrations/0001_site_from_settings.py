"""The Sites framework's row says what settings say (SITE_NAME, the host of SITE_URL), not
Django's default "example.com". Emails do not depend on it (core.sites reads the settings), but
anything else that reads the Site (the admin's "view on site", third-party apps) agrees."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations


def site_from_settings(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": urlsplit(settings.SITE_URL).netloc, "name": settings.SITE_NAME},
    )


class Migration(migrations.Migration):
    dependencies = [("sites", "0002_alter_domain_unique")]

    operations = [migrations.RunPython(site_from_settings, migrations.RunPython.noop)]
