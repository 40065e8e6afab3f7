"""The default Vietnamese texts of every notice; an administrator edits them in the admin."""

from django.db import migrations


from notifications.defaults import TEMPLATES


def create(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for code, name, sms_body, subject, email_body in TEMPLATES:
        MessageTemplate.objects.update_or_create(
            code=code,
            defaults={"name": name, "sms_body": sms_body, "email_subject": subject, "email_body": email_body},
        )


def remove(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(code__in=[t[0] for t in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_outbox")]
    operations = [migrations.RunPython(create, remove)]
