"""The row of the managers' daily digest (steps due within a working day and overdue ones),
created when missing, never overwriting an administrator's edit."""

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
    dependencies = [("notifications", "0005_outcome_unknown")]
    operations = [migrations.RunPython(create_missing, migrations.RunPython.noop)]
