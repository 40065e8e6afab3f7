from django.urls import reverse

from notifications.models import Channel, Notification, Status
from notifications.services import notification_create, notification_deliver
from tests.factories import UserFactory


def test_outbox_filters_and_resend_action(client, db):
    admin = UserFactory(role="admin", is_superuser=True, is_staff=True)
    notice = notification_create(
        recipient="+84912345678",
        channel=Channel.SMS,
        template_code="dossier.refused",
        context={"code": "TT-261207-0001", "reason": "Thiếu giấy tờ"},
        subject_ref="dossier:TT-261207-0001",
        dossier_code="TT-261207-0001",
        event_id=1,
    )
    notification_deliver(notice.pk)
    client.force_login(admin)
    url = reverse("admin:notifications_notification_changelist")
    page = client.get(url, {"status": "sent", "channel": "sms", "dossier": "yes"})
    assert page.status_code == 200 and "TT-261207-0001" in page.content.decode()
    assert "TT-261207-0001" not in client.get(url, {"status": "failed"}).content.decode()
    response = client.post(url, {"action": "resend", "_selected_action": [notice.pk]}, follow=True)
    assert "Đã đưa 1 thông báo vào hàng gửi lại." in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == Status.PENDING and notice.resends == 1
    assert client.get(reverse("admin:notifications_messagetemplate_changelist")).status_code == 200
    assert Notification.objects.count() == 1
