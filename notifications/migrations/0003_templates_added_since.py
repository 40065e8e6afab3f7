"""Rows for the default templates added since 0002 (stop and withdrawal notices, ...): created
when missing, never overwriting an administrator's edit."""

from django.db import migrations

from notifications.defaults import TEMPLATES


def create_missing(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for code, name, sms_body, subject, email_body in TEMPLATES:
        MessageTemplate.objects.get_or_create(
            code=code,
            defaults={"name": name, "sms_body": sms_body, "email_subject": subject, "email_body": email_body},
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_default_templates")]
    operations = [migrations.RunPython(create_missing, migrations.RunPython.noop)]
