"""How many sync messages a second one worker sends to the national portal (loopback).

    DATABASE_URL=postgres://hcc:hcc@127.0.0.1:5432/hcc_bench .venv/bin/python benchmarks/bench_national.py

Starts the loopback national portal (``python -m national.portal_server``, its own process, every
message checked against the JSON schemas) on a free port, writes ``BENCH_MESSAGES`` (default
3000) pending messages for ``BENCH_DOSSIERS`` (default 300) dossiers in the database of
``DATABASE_URL`` (migrated first; a temporary SQLite file without it), then runs the worker's task
body (``national.services.sync_deliver``) on batches of ``NATIONAL_TASK_BATCH`` in this one process:
claim, send each message over one kept-alive connection and one session, record each as sent as
soon as its answer returns. Prints messages a second (goal: at least 300) and removes its rows.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hcc.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench_national.sqlite3"
COUNT = int(os.environ.get("BENCH_MESSAGES", "3000"))
DOSSIERS = int(os.environ.get("BENCH_DOSSIERS", "300"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    port = free_port()
    portal = subprocess.Popen(  # noqa: S603 (our own module)
        [sys.executable, "-m", "national.portal_server", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.environ.update(
        NATIONAL_PORTAL_URL=f"http://127.0.0.1:{port}",
        NATIONAL_PORTAL_USERNAME="hcc-demo",
        NATIONAL_PORTAL_PASSWORD="hcc-demo",
        NATIONAL_PORTAL_UNIT_CODE="000.00.00.H99",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from dossiers.models import Dossier, Event
    from national import messages
    from national.models import SyncMessage
    from national.services import relax_commit_durability, sync_deliver
    from procedures.models import Agency, Field, Procedure

    call_command("migrate", verbosity=0)
    agency, _ = Agency.objects.get_or_create(
        code="BENCH-NAT", defaults={"name": "Sở thử tải", "level": "province", "kind": "department"}
    )
    field, _ = Field.objects.get_or_create(code="BENCH-NAT", defaults={"name": "Lĩnh vực thử tải"})
    procedure, _ = Procedure.objects.get_or_create(
        code="9.999999",
        defaults={
            "name": "Thủ tục thử tải",
            "field": field,
            "agency": agency,
            "level": "province",
            "processing_days": 5,
        },
    )
    now = timezone.now()
    dossiers = Dossier.objects.bulk_create(
        Dossier(
            code=f"BENCH-NAT-{i:06d}",
            secret="ABCDEFGH",
            tracking_token=f"bench-national-{i:06d}-{now.timestamp()}",
            procedure=procedure,
            resolving_agency=agency,
            intake_office=agency,
            channel="counter",
            status="received",
            applicant_name="Nguyễn Văn Thử",
            id_number="001203004567",
            address="Số 1",
            received_at=now,
            due_at=now,
            received_year=timezone.localtime(now).year,
        )
        for i in range(DOSSIERS)
    )
    per_dossier = max(1, COUNT // DOSSIERS)
    events = Event.objects.bulk_create(
        Event(
            dossier=dossier,
            action="receive" if n == 0 else "forward",
            from_status="" if n == 0 else "received",
            to_status="received",
            at=now,
            note=f"bước {n}",
            dossier_year=dossier.received_year,
        )
        for dossier in dossiers
        for n in range(per_dossier)
    )
    rows = []
    for event in Event.objects.filter(pk__in=[e.pk for e in events]).select_related(
        "dossier__procedure__field", "dossier__resolving_agency", "actor", "agency", "step"
    ):
        service, body = messages.body_for(event)
        rows.append(
            SyncMessage(
                dossier_id=event.dossier_id,
                dossier_code=event.dossier.code,
                event=event,
                event_year=event.dossier_year,
                action=event.action,
                service=service,
                payload=body,
            )
        )
    SyncMessage.objects.bulk_create(rows, batch_size=1000)
    ids = list(SyncMessage.objects.filter(dossier__in=dossiers).order_by("id").values_list("id", flat=True))
    size = settings.NATIONAL_TASK_BATCH
    try:
        time.sleep(0.5)  # the portal process is listening
        relax_commit_durability()  # as the worker's task does
        started = time.perf_counter()
        sent = 0
        for start in range(0, len(ids), size):
            sent += sync_deliver(ids[start : start + size], relaxed=True)["sent"]
        elapsed = time.perf_counter() - started
    finally:
        portal.terminate()
        SyncMessage.objects.filter(dossier__in=dossiers).delete()
        Event.objects.filter(dossier__in=dossiers)._raw_delete(Event.objects.db)
        Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).delete()
    rate = sent / elapsed
    print(f"| sync messages | {sent} of {len(ids)} | {elapsed:.2f} s | {rate:.0f} /s | goal ≥ 300 /s |")
    if sent != len(ids):
        sys.exit("not every message was sent")


if __name__ == "__main__":
    main()
