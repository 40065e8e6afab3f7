"""How many notices a second one Celery worker delivers to the file SMS backend.

    DATABASE_URL=postgres://hcc:hcc@127.0.0.1:5432/hcc .venv/bin/python benchmarks/bench_notifications.py

Creates ``BENCH_NOTICES`` (default 2000) pending SMS notices in the database of ``DATABASE_URL``
(migrated first), starts ONE ``celery -A hcc worker`` (``BENCH_CONCURRENCY`` processes, default 2,
the machine's cores) against Redis (``BENCH_REDIS_URL``, default ``redis://127.0.0.1:6379/5``,
flushed first) with ``SMS_BACKEND=file`` in a temporary folder, queues every notice and waits
until all are sent (``publish`` hands them over in batches of ``NOTIFICATIONS_TASK_BATCH``). Before
that, the same worker runs as many tasks that only bump a Redis counter: its ceiling here. Prints
both rates (target: at least 400 notices a second) and removes its rows.
Each delivery is the real path: claim (conditional UPDATE), read, write the file, record.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hcc.settings")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
os.environ["REDIS_URL"] = REDIS_URL  # this process publishes to Redis too (not eager)
COUNT = int(os.environ.get("BENCH_NOTICES", "2000"))
CONCURRENCY = os.environ.get("BENCH_CONCURRENCY", "2")
PREFETCH = os.environ.get("BENCH_PREFETCH", "")  # e.g. 16: the worker's --prefetch-multiplier


def start_worker(env: dict, *extra: str) -> subprocess.Popen:
    """ONE ``celery worker`` (its ``BENCH_CONCURRENCY`` processes), as a center would run it."""
    return subprocess.Popen(  # noqa: S603 (our own command line)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hcc",
            "worker",
            "-c",
            CONCURRENCY,
            "-l",
            "warning",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            *(["--prefetch-multiplier", PREFETCH] if PREFETCH else []),
            *extra,
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def empty_task_rate(env: dict) -> float:
    """The same worker's ceiling: tasks a second when each only adds one to a Redis counter. The
    tasks are queued before the worker starts; the clock runs from the first task to the last."""
    import redis

    from benchmarks.noop_task import COUNTER, STARTED, bump

    client = redis.Redis.from_url(REDIS_URL)
    client.delete(COUNTER, STARTED)
    with bump.app.connection_for_write() as connection, connection.Producer() as producer:
        for _ in range(COUNT):
            bump.apply_async(producer=producer)
    worker = start_worker(env, "--include", "benchmarks.noop_task")
    try:
        deadline = time.monotonic() + 300
        while int(client.get(COUNTER) or 0) < COUNT:
            if time.monotonic() > deadline:
                sys.exit("empty tasks timed out after 300 s")
            time.sleep(0.01)
        return COUNT / (time.time() - float(client.get(STARTED)))
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)


def main() -> None:
    import django

    django.setup()
    import redis
    from django.core.management import call_command

    from notifications.models import Channel, Notification, Status
    from notifications.publish import publish

    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL): the worker and this script share the database.")
    call_command("migrate", verbosity=0)
    redis.Redis.from_url(REDIS_URL).flushdb()
    run = f"bench:{int(time.time())}"
    sms_dir = Path(tempfile.mkdtemp(prefix="hcc-bench-sms-"))
    Notification.objects.bulk_create(
        Notification(
            recipient=f"+849{n:08d}",
            channel=Channel.SMS,
            template_code="bench",
            body=f"Hồ sơ BENCH-{n:06d} đã được tiếp nhận. Hẹn trả kết quả ngày 21/12/2026.",
            subject_ref=run,
            event_id=n,
        )
        for n in range(COUNT)
    )
    ids = list(Notification.objects.filter(subject_ref=run).values_list("id", flat=True))
    env = {**os.environ, "SMS_BACKEND": "file", "SMS_FILE_DIR": str(sms_dir), "SMS_FILE_SEND_DELAY": "0"}
    ceiling = empty_task_rate(env)
    worker = start_worker(env)
    try:
        time.sleep(float(os.environ.get("BENCH_WORKER_WARMUP", "6")))  # let the worker connect first
        started = time.monotonic()
        for chunk in range(0, len(ids), 500):
            if not publish(ids[chunk : chunk + 500]):
                sys.exit("could not publish to Redis")
        pending = Notification.objects.filter(subject_ref=run).exclude(status=Status.SENT)
        while pending.exists():
            if time.monotonic() - started > 600:
                sys.exit("timed out after 600 s")
            time.sleep(0.05)
        elapsed = time.monotonic() - started
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    files = len(list(sms_dir.glob("*.sms")))
    Notification.objects.filter(subject_ref=run).delete()
    shutil.rmtree(sms_dir)
    rate = COUNT / elapsed
    print(f"bench_notifications: load average {os.getloadavg()[0]:.2f}")
    print("| benchmark | tasks | worker processes | seconds | per second | target |")
    print("|---|---|---|---|---|---|")
    print(
        f"| notices delivered to the file SMS backend | {COUNT} | {CONCURRENCY} | {elapsed:.2f} | "
        f"{rate:.0f} | ≥ 400 |"
    )
    print(
        f"| the worker's ceiling: tasks that only bump a Redis counter | {COUNT} | {CONCURRENCY} | "
        f"{COUNT / ceiling:.2f} | {ceiling:.0f} | |"
    )
    print(f"notices a second as a share of that ceiling: {rate / ceiling:.0%}")
    if files != COUNT:
        sys.exit(f"expected {COUNT} SMS files, found {files}")


if __name__ == "__main__":
    main()
