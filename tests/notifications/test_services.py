"""The outbox services: create, claim, deliver, retry with backoff, fail, sweep, resend."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from notifications.backends.sms import MemoryBackend
from notifications.models import Channel, MessageTemplate, Notification, Status
from notifications.services import (
    backoff,
    notification_claim,
    notification_create,
    notification_deliver,
    notification_resend,
    notifications_recover_stuck,
    notifications_sweep,
    optout_set,
    render,
)


def make(recipient="+84912345678", channel=Channel.SMS, event_id=1, **kwargs):
    return notification_create(
        recipient=recipient,
        channel=channel,
        template_code="dossier.refused",
        context={"code": "TT-261207-0001", "reason": "Thiếu giấy tờ", "applicant": "An", "center": "HCC"},
        subject_ref="dossier:TT-261207-0001",
        dossier_code="TT-261207-0001",
        event_id=event_id,
        **kwargs,
    )


def test_templates_are_editable_and_rendered_with_django_syntax(db):
    template = MessageTemplate.objects.get(code="dossier.refused")
    template.sms_body = "HS {{ code|lower }}: {{ reason|upper }}"
    template.save()
    assert render("dossier.refused", Channel.SMS, {"code": "AB", "reason": "x"}) == ("", "HS ab: X")


def test_create_is_idempotent_per_event_channel_and_recipient(db):
    first = make()
    assert make().pk == first.pk
    assert make(event_id=2).pk != first.pk
    assert make(channel=Channel.EMAIL, recipient="An@Example.vn").recipient == "an@example.vn"
    assert Notification.objects.count() == 3


def test_opted_out_address_gets_no_row(db):
    optout_set(channel=Channel.SMS, address="+84912345678", opted_out=True)
    assert make() is None
    optout_set(channel=Channel.SMS, address="+84912345678", opted_out=False)
    assert make() is not None


def test_unknown_template_is_an_error_and_writes_nothing(db):
    with pytest.raises(ValidationError):
        notification_create(recipient="+84900000000", channel=Channel.SMS, template_code="nope", context={})
    assert not Notification.objects.exists()


def test_two_claims_one_winner(db):
    notice = make()
    assert notification_claim(notice.pk) is True
    assert notification_claim(notice.pk) is False
    notice.refresh_from_db()
    assert notice.status == Status.SENDING and notice.attempts == 1


def test_deliver_sends_once_and_records_the_provider_reference(db):
    notice = make()
    assert notification_deliver(notice.pk) == "sent"
    assert notification_deliver(notice.pk) == "skipped"
    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.provider_ref == f"memory-{notice.pk}" and notice.sent_at
    assert MemoryBackend.outbox == [{"to": "+84912345678", "text": notice.body, "ref": str(notice.pk)}]


def test_email_goes_through_django_mail(db):
    notice = make(channel=Channel.EMAIL, recipient="an@example.vn")
    assert notification_deliver(notice.pk) == "sent"
    assert mail.outbox[0].to == ["an@example.vn"] and "Thiếu giấy tờ" in mail.outbox[0].body
    notice.refresh_from_db()
    assert notice.provider_ref == mail.outbox[0].extra_headers["Message-ID"]


class Broken:
    def send(self, notification):
        raise ConnectionError("gateway down")


def test_failures_retry_with_capped_exponential_backoff_and_end_failed(db, settings):
    settings.SMS_BACKEND = "tests.notifications.test_services.Broken"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 4
    settings.NOTIFICATIONS_RETRY_BASE = 30
    settings.NOTIFICATIONS_RETRY_CAP = 90
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 90, 90]
    notice = make()
    start = timezone.now()
    with freeze_time(start) as clock:
        outcomes = [notification_deliver(notice.pk)]
        for wait in (30, 60, 90):
            clock.tick(timedelta(seconds=wait - 1))
            assert notification_deliver(notice.pk) == "skipped"  # not due before the wait
            clock.tick(timedelta(seconds=1))
            outcomes.append(notification_deliver(notice.pk))
    notice.refresh_from_db()
    assert outcomes == ["retry", "retry", "retry", "failed"]
    assert notice.status == Status.FAILED and notice.attempts == 4
    assert notice.last_error == "ConnectionError: gateway down"


def test_resend_gives_a_new_reference(db):
    notice = make()
    notification_deliver(notice.pk)
    notification_resend(actor=None, notification=notice)
    notice.refresh_from_db()
    assert notice.status == Status.PENDING and notice.attempts == 0
    notification_deliver(notice.pk)
    assert [m["ref"] for m in MemoryBackend.outbox] == [str(notice.pk), f"{notice.pk}-r1"]


def test_resend_refuses_a_pending_notice(db):
    with pytest.raises(ValidationError):
        notification_resend(actor=None, notification=make())


def test_sweep_sends_pending_and_recovers_stuck_sends_without_duplicates(db, settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_DIR = str(tmp_path)
    settings.NOTIFICATIONS_SENDING_TIMEOUT = 300
    stuck, waiting = make(event_id=1), make(event_id=2)
    # A worker claimed ``stuck``, wrote the SMS and died before recording it.
    assert notification_claim(stuck.pk)
    (tmp_path / f"{stuck.pk}.sms").write_text("sent before the crash")
    assert notifications_recover_stuck() == 0  # not stuck long enough yet
    with freeze_time(timezone.now() + timedelta(seconds=301)):
        assert notifications_sweep() == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{stuck.pk}.sms", f"{waiting.pk}.sms"])
    assert (tmp_path / f"{stuck.pk}.sms").read_text() == "sent before the crash"


def test_http_gateway_posts_the_configured_payload_with_the_reference(db, settings):
    received = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(
                (self.headers["Idempotency-Key"], self.rfile.read(int(self.headers["Content-Length"])))
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"messageId": "GW-77"}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_GATEWAY_PAYLOAD = (
        '{"Phone": "{to}", "Content": "{text}", "RequestId": "{ref}", "Brand": "{brandname}"}'
    )
    settings.SMS_BRANDNAME = "HCC"
    settings.SMS_GATEWAY_RESPONSE_ID = "messageId"
    try:
        notice = make()
        assert notification_deliver(notice.pk) == "sent"
    finally:
        server.shutdown()
    notice.refresh_from_db()
    assert notice.provider_ref == "GW-77"
    key, body = received[0]
    assert key == str(notice.pk)
    assert b'"Phone": "+84912345678"' in body and f'"RequestId": "{notice.pk}"'.encode() in body


@pytest.mark.parametrize(
    ("dedupes", "outcome", "status"), [(True, "retry", "pending"), (False, "unknown", "unknown")]
)
def test_http_gateway_timeout_is_an_error_kept_on_the_row(db, settings, dedupes, outcome, status):
    """No answer after the message was sent: the gateway may have it. Tried again only where it
    drops a repeat of the reference; otherwise "sending, outcome unknown" for the administrator."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{silent.getsockname()[1]}/send"
    settings.SMS_GATEWAY_READ_TIMEOUT = 0.3
    settings.SMS_GATEWAY_DEDUPES = dedupes
    try:
        notice = make()
        assert notification_deliver(notice.pk) == outcome
    finally:
        silent.close()
    notice.refresh_from_db()
    assert "ReadTimeout" in notice.last_error and notice.status == status


def test_a_refused_gateway_connection_is_retried_whatever_the_gateway(db, settings):
    import socket

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    settings.SMS_BACKEND, settings.SMS_GATEWAY_URL = "http", f"http://127.0.0.1:{port}/send"
    notice = make()
    assert notification_deliver(notice.pk) == "retry"  # nothing was sent
    notice.refresh_from_db()
    assert notice.status == Status.PENDING


def test_a_template_without_its_row_falls_back_to_the_default_text(db):
    MessageTemplate.objects.filter(code="dossier.refused").delete()
    assert "Lý do: Thiếu giấy tờ" in make().body
