"""The reconciliation page and command, the dossier page's sync history, the admin's resend."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from national.models import SyncMessage, SyncStatus
from national.services import sync_sweep
from tests.dossiers.test_services import at, submit_online


@pytest.fixture
def synced(world, portal):
    """Two dossiers on Friday 4: one accepted by the portal, one refused."""
    with freeze_time(at(4, 16)):
        good = submit_online(world)
        bad = submit_online(world)
    portal.state.refuse_codes.add(bad.code)
    with freeze_time(at(4, 17)):
        sync_sweep()
    return good, bad


def login(client, user):
    client.force_login(user)


def test_reconciliation_page_counts_per_day(client, world, synced):
    login(client, world.manager)
    page = client.get(
        reverse("national:reconciliation"), {"date_from": "2026-12-03", "date_to": "2026-12-05"}
    )
    assert page.status_code == 200
    rows = {row["day"].day: row for row in page.context["rows"]}
    assert rows[4]["messages"] == 2 and rows[4]["sent"] == 1 and rows[4]["refused"] == 1
    assert rows[3]["messages"] == rows[5]["messages"] == 0
    assert synced[1].code in page.content.decode()  # the refused dossier is listed


def test_reconciliation_refuses_a_bad_period_and_other_roles(client, world, synced):
    login(client, world.manager)
    page = client.get(
        reverse("national:reconciliation"), {"date_from": "2026-12-05", "date_to": "2026-12-01"}
    )
    assert "Ngày bắt đầu phải trước ngày kết thúc." in page.content.decode()
    client.logout()
    login(client, world.clerk)
    assert client.get(reverse("national:reconciliation")).status_code == 403


def test_reconciliation_command(world, synced):
    out, err = StringIO(), StringIO()
    call_command("national_reconcile", "--day", "2026-12-04", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert lines[0].split("\t") == ["day", "dossiers", "messages", "sent", "refused", "failed", "pending"]
    assert lines[1].split("\t") == ["04/12/2026", "2", "2", "1", "1", "0", "0"]
    assert "từ chối" in err.getvalue()


def test_staff_see_a_dossiers_sync_history_the_applicant_does_not(client, world, synced):
    good, _bad = synced
    login(client, world.clerk)
    page = client.get(reverse("dossiers:detail", args=[good.code])).content.decode()
    assert "Đồng bộ Cổng Dịch vụ công quốc gia" in page and "Cổng quốc gia đã nhận" in page
    client.logout()
    login(client, world.citizen)
    page = client.get(reverse("dossiers:detail", args=[good.code]))
    assert page.status_code == 200
    assert "Đồng bộ Cổng Dịch vụ công quốc gia" not in page.content.decode()


def test_admin_resends_a_refused_message(client, world, synced, portal):
    _good, bad = synced
    message = SyncMessage.objects.get(dossier=bad)
    assert message.status == SyncStatus.REFUSED
    portal.state.refuse_codes.clear()
    client.force_login(world.admin)
    changelist = reverse("admin:national_syncmessage_changelist")
    assert client.get(changelist, {"status__exact": "refused"}).status_code == 200
    response = client.post(changelist, {"action": "resend", "_selected_action": [message.pk]}, follow=True)
    assert "Đã đưa 1 bản tin vào hàng gửi lại." in response.content.decode()
    assert sync_sweep()["sent"] == 1
