"""The "result ready" SMS was cut at "Phí, lệ..." (issue 18): the full address made it longer than
the parts a gateway sends. The new default puts the fees first and names only the office; a text
an administrator has changed is left as it is. Also adds the financial obligation notice."""

from django.db import migrations

from notifications.defaults import BY_CODE

OLD = (
    "Hồ sơ {{ code }} đã có kết quả. {{ where }}{% if fees_total %} Phí, lệ phí: {{ fees_total }}.{% endif %}"
)
NEW = (
    "Hồ sơ {{ code }} đã có kết quả.{% if fees_total %} Phí, lệ phí: {{ fees_total }}.{% endif %} "
    "{{ where_short }}"
)


def forward(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.filter(code="dossier.result_ready", sms_body=OLD).update(sms_body=NEW)
    # the notice of a financial obligation, new with this change
    code, name, sms_body, subject, email_body = BY_CODE["dossier.payment_requested"]
    MessageTemplate.objects.get_or_create(
        code=code,
        defaults={"name": name, "sms_body": sms_body, "email_subject": subject, "email_body": email_body},
    )


def backward(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.filter(code="dossier.result_ready", sms_body=NEW).update(sms_body=OLD)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_templates_added_since")]

    operations = [migrations.RunPython(forward, backward)]
