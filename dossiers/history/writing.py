"""Writing a batch of checked rows in one transaction: ``COPY`` on PostgreSQL, ``bulk_create``
elsewhere; the office day counters moved past codes of our shape."""

from __future__ import annotations

import io
from datetime import date, datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import partitions, statistics
from dossiers.history.rows import IMPORT_ACTION, OUR_CODE, HistoryRow, Prepared
from dossiers.models import Channel, Dossier, DossierCounter, Event
from dossiers.services.common import new_secrets, new_tracking_tokens
from dossiers.workflow import FINAL_STATUSES
from procedures.models import Agency
from procedures.text import fold


def _closed_at(row: HistoryRow, now: datetime) -> datetime | None:
    if row.status in FINAL_STATUSES:
        return row.returned_at or row.result_ready_at or row.received_at or now
    return None


def _dossier_values(row: HistoryRow, now: datetime, secret: str, token: str) -> dict:
    return {
        "code": row.code,
        "secret": secret,
        "tracking_token": token,
        "procedure_id": row.procedure_id,
        "resolving_agency_id": row.resolving_agency_id,
        "intake_office_id": row.intake_office_id,
        "channel": row.channel,
        "status": row.status,
        "applicant_name": row.applicant_name,
        "applicant_search": fold(row.applicant_name),
        # an online submission not yet received was submitted before the import: its import time
        # stands for it (``Dossier.received_year`` must not change when it is received)
        "submitted_at": (row.received_at or now) if row.channel == Channel.ONLINE else None,
        "received_at": row.received_at,
        "due_at": row.due_at,
        "result_ready_at": row.result_ready_at,
        "returned_at": row.returned_at,
        "closed_at": _closed_at(row, now),
        "created_at": now,
        "updated_at": now,
    }


# The columns of a row's COPY text, then those of its batch; every other column keeps its default.
_ROW_COLUMNS = (
    "code",
    "procedure_id",
    "resolving_agency_id",
    "intake_office_id",
    "channel",
    "status",
    "applicant_name",
    "applicant_search",
    "submitted_at",
    "received_at",
    "due_at",
    "result_ready_at",
    "returned_at",
    "closed_at",
)
_BATCH_COLUMNS = ("secret", "tracking_token", "created_at", "updated_at")


def _row_text(row: HistoryRow, now: datetime, now_text: str) -> str:
    """``_dossier_values`` of ``_ROW_COLUMNS`` as COPY text, with the times as the file wrote
    them (``_fast_row`` makes the same text for most rows of a file)."""
    texts = row.texts or {}

    def when(name: str, value: datetime | None) -> str:
        if value is None:
            return r"\N"
        return texts.get(name) or value.isoformat()

    received = when("received_at", row.received_at)
    closed = _closed_at(row, now)
    if closed is None:
        closed_text = r"\N"
    elif closed is now:
        closed_text = now_text
    else:
        closed_text = (
            when("returned_at", row.returned_at)
            if closed is row.returned_at
            else when("result_ready_at", row.result_ready_at)
            if closed is row.result_ready_at
            else received
        )
    return "\t".join(
        (
            _copy_text(row.code),
            str(row.procedure_id),
            str(row.resolving_agency_id),
            str(row.intake_office_id),
            row.channel,
            row.status,
            _copy_text(row.applicant_name),
            _copy_text(fold(row.applicant_name)),
            (now_text if received == r"\N" else received) if row.channel == Channel.ONLINE else r"\N",
            received,
            when("due_at", row.due_at),
            when("result_ready_at", row.result_ready_at),
            when("returned_at", row.returned_at),
            closed_text,
        )
    )


def _dossier_columns() -> list:
    return [f for f in Dossier._meta.concrete_fields if not f.primary_key]


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


# What the statistics read of a new dossier (its own columns of ``statistics.ROW_FIELDS``; their SQL
# joins the procedure and the agency), returned by the insert with what its event needs.
_ROLLUP_COLUMNS = (*statistics.OWN_FIELDS, "created_at")


def _write_postgres(rows: list[HistoryRow | Prepared], now: datetime) -> int:
    secrets_, tokens = new_secrets(len(rows)), new_tracking_tokens(len(rows))
    by_attname = {f.attname: f for f in _dossier_columns()}
    # Every other column takes its model default, the same for every row: a parameter of the
    # insert, not a field of each COPY line.
    rest = [
        f for name, f in by_attname.items() if name not in (*_ROW_COLUMNS, *_BATCH_COLUMNS, "received_year")
    ]
    names = [by_attname[name].column for name in _ROW_COLUMNS + _BATCH_COLUMNS]
    defaults = {f"d{n}": f.get_db_prep_save(f.get_default(), connection) for n, f in enumerate(rest)}
    now_text = now.isoformat()
    tail = f"\t{now_text}\t{now_text}\n"
    buffer = io.StringIO()
    buffer.write(
        "".join(
            f"{row[2] if type(row) is tuple else _row_text(row, now, now_text)}\t{secret}\t{token}{tail}"
            for row, secret, token in zip(rows, secrets_, tokens, strict=True)
        )
    )
    buffer.seek(0)
    # Identifiers come from the models' metadata, quoted; values go through COPY or parameters.
    table = connection.ops.quote_name(Dossier._meta.db_table)
    event_table = connection.ops.quote_name(Event._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(n) for n in names)
    all_columns = ", ".join([columns, *(connection.ops.quote_name(f.column) for f in rest), "received_year"])
    values = ", ".join([columns, *(f"%({name})s" for name in defaults), partitions.year_sql()])
    with connection.cursor() as cursor:
        # Times without an offset in the file are local times.
        cursor.execute("SET LOCAL TIME ZONE %s", [settings.TIME_ZONE])
        # A batch's sorts and groupings stay in memory.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        # The import is run again after a crash (it adds only what is missing), so its commits
        # need not wait for the disk: a crash may lose the last batches, never half of one.
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS history_import ON COMMIT DELETE ROWS AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA"  # nosec B608
        )
        counts = statistics.listener()
        counts.create_staging(cursor)
        cursor.execute("TRUNCATE history_import")
        cursor.copy_expert(f"COPY history_import ({columns}) FROM STDIN", buffer)
        # Back to the zone Django reads times in, for whatever else this transaction does.
        cursor.execute("SET LOCAL TIME ZONE %s", [connection.timezone_name])
        # One statement: the new dossiers, their import events, and their cells, staged for the
        # rollups (rows already known by their code add nothing anywhere).
        returned = ", ".join(
            [
                "id",
                *(connection.ops.quote_name(n) for n in _ROLLUP_COLUMNS),
                f"{partitions.year_sql()} AS dossier_year",
            ]
        )
        insert = (
            # Codes are unique across the years' partitions through the registry
            # (``partitions.REGISTRY``): rows it already knows, and a code repeated in the batch, add
            # nothing (what ``ON CONFLICT (code) DO NOTHING`` did on the plain table).
            f"WITH made AS (INSERT INTO {table} ({all_columns}) SELECT DISTINCT ON (code) {values} "  # noqa: S608
            f"FROM history_import WHERE NOT EXISTS (SELECT 1 FROM {partitions.REGISTRY} k "
            f"WHERE k.code = history_import.code) RETURNING {returned}), "  # nosec B608
        )
        events = (
            f"events AS (INSERT INTO {event_table} "  # noqa: S608
            "(dossier_id, action, from_status, to_status, at, note, data, dossier_year) "
            "SELECT id, %(action)s, '', status, COALESCE(received_at, created_at), %(note)s, %(data)s, "
            "dossier_year "
            "FROM made)"  # nosec B608
        )
        cursor.execute(
            insert + events + counts.staging_sql("made") + " SELECT count(*) FROM made",  # noqa: S608  # nosec B608
            {
                "action": IMPORT_ACTION,
                "note": _("Nhập từ hệ thống một cửa cũ"),
                "data": "{}",
                "tz": settings.TIME_ZONE,
                **defaults,
            },
        )
        created = cursor.fetchone()[0]
        cursor.execute("TRUNCATE history_import")
        # Then the rollups, last: the rows every batch shares are held only until the commit.
        counts.add_staged(cursor)
    return created


def _write_generic(rows: list[HistoryRow], now: datetime) -> int:
    codes = [row.code for row in rows]
    known = set(Dossier.objects.filter(code__in=codes).values_list("code", flat=True))
    new_rows = [row for row in rows if row.code not in known]
    secrets_, tokens = new_secrets(len(new_rows)), new_tracking_tokens(len(new_rows))
    fresh = [
        Dossier(**_dossier_values(row, now, secret, token))
        for row, secret, token in zip(new_rows, secrets_, tokens, strict=True)
    ]
    for dossier in fresh:
        dossier.received_year = dossier.year_of_receipt()
    Dossier.objects.bulk_create(fresh, batch_size=500, ignore_conflicts=True)
    ids = dict(Dossier.objects.filter(code__in=[d.code for d in fresh]).values_list("code", "id"))
    events = [
        Event(
            dossier_id=ids[d.code],
            action=IMPORT_ACTION,
            from_status="",
            to_status=d.status,
            at=d.received_at or now,
            note=_("Nhập từ hệ thống một cửa cũ"),
            data={},
            dossier_year=d.received_year,
        )
        for d in fresh
        if d.code in ids
    ]
    Event.objects.bulk_create(events, batch_size=500)
    statistics.dossiers_inserted([ids[d.code] for d in fresh if d.code in ids])
    return len(events)


def _bump_counters(rows: list[HistoryRow | Prepared], office_codes: dict[int, str]) -> None:
    """Codes shaped like ours move the office's day counter, so a later intake never reuses them."""
    highest: dict[tuple[int, date], int] = {}
    for row in rows:
        code, office_id = row[:2] if type(row) is tuple else (row.code, row.intake_office_id)
        match = OUR_CODE.match(code)
        if not match or match["office"] != office_codes.get(office_id):
            continue
        try:
            day = datetime.strptime(match["day"], "%y%m%d").date()
        except ValueError:
            continue
        key = (office_id, day)
        highest[key] = max(highest.get(key, 0), int(match["number"]))
    for (office_id, day), number in sorted(highest.items()):  # in key order: writers run side by side
        counter, _created = DossierCounter.objects.select_for_update().get_or_create(
            office_id=office_id, day=day
        )
        if counter.last < number:
            counter.last = number
            counter.save(update_fields=["last"])


def row_year(row: HistoryRow | Prepared) -> int:
    """``Dossier.received_year`` of the dossier a row makes (its partition of the event log): the
    year it was received, or, for an online submission not yet received, this year."""
    if type(row) is tuple:
        # COPY text (``rows._fast_row``): local times as written, the receipt always there
        return int(row[2].split("\t")[9][:4])
    if row.received_at is None:
        return timezone.localdate().year
    at = row.received_at
    return timezone.localtime(at).year if timezone.is_aware(at) else at.year


def write_rows(rows: list[HistoryRow | Prepared], *, now: datetime | None = None) -> int:
    """Write one batch of checked rows in one transaction; returns how many dossiers were new.
    Rows already made into COPY text (``Prepared``) are for PostgreSQL only."""
    now = now or timezone.now()
    office_codes = {pk: code for code, pk in Agency.objects.values_list("code", "id")}
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql":
            if outermost:
                # The batch's foreign keys are checked as each statement ends, before the rollup
                # rows it shares with the other writer are taken, not all at the commit.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            created = _write_postgres(rows, now)
        else:
            created = _write_generic(rows, now)
        _bump_counters(rows, office_codes)
    return created
