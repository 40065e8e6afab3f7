"""The import as a whole: batches checked here and written by ``BatchWriter`` (threads on
PostgreSQL), the report of what was read, created, known and refused."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from django.db import DataError, IntegrityError, OperationalError, connection
from django.utils.translation import gettext as _

from dossiers import extensions, partitions
from dossiers.history.reading import _open
from dossiers.history.rows import (
    BATCH_SIZE,
    CODE_MAX,
    COLUMNS,
    HistoryReport,
    HistoryRow,
    Prepared,
    Problem,
    RowError,
    _Catalog,
    _fast_row,
    check_row,
)
from dossiers.history.writing import row_year, write_rows


class BatchWriter:
    """Writes batches as they come. On PostgreSQL outside a transaction, ``WRITERS`` threads, each
    with its own connection, write batches while this one checks the next (the driver releases the
    interpreter while the server works), so the server's cores all work. Two writers may wait on
    the same rollup rows: a batch the server stopped for a deadlock is written again."""

    WRITERS = 2
    ATTEMPTS = 3

    def __init__(self, report: HistoryReport) -> None:
        self.report = report
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.error: BaseException | None = None
        self.lock = threading.Lock()
        self.years_ready: set[int] = set()
        if self.threaded:
            self.queue: queue.Queue[tuple | None] = queue.Queue(maxsize=2 * self.WRITERS)
            self.threads = [
                threading.Thread(target=self._run, name=f"history-writer-{n}", daemon=True)
                for n in range(self.WRITERS)
            ]
            for thread in self.threads:
                thread.start()

    def _write(self, batch: list[HistoryRow | Prepared], lines: list[int] | None = None) -> None:
        """Write a batch. When the database refuses it for a value (one Python let through), and
        the batch's lines are known, its halves are written apart until the refused rows are
        found: each is reported with its line, every other row is written."""
        refused = (
            DataError,
            IntegrityError,
            connection.Database.DataError,
            connection.Database.IntegrityError,
        )
        try:
            for attempt in range(1, self.ATTEMPTS + 1):
                try:
                    created = write_rows(batch)
                    break
                except OperationalError as exc:
                    deadlock = getattr(exc.__cause__, "pgcode", None) == "40P01"
                    if not deadlock or attempt == self.ATTEMPTS:
                        raise
        except refused as exc:
            if lines is None:
                raise
            if len(batch) == 1:
                row = batch[0]
                problem = Problem(
                    line=lines[0],
                    code=row[0] if type(row) is tuple else row.code,
                    reason=_("cơ sở dữ liệu không nhận: %(error)s")
                    % {"error": str(exc).strip().splitlines()[0]},
                )
                with self.lock:
                    self.report.errors.append(problem)
                return
            half = len(batch) // 2
            self._write(batch[:half], lines[:half])
            self._write(batch[half:], lines[half:])
            return
        with self.lock:
            self.report.created += created
            self.report.existing += len(batch) - created

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        self._write(*item)
                    except BaseException as exc:  # handed to the reading thread by finish()
                        self.error = exc
                self.queue.task_done()
        finally:
            connection.close()

    def _partitions_for(self, batch: list[HistoryRow | Prepared]) -> None:
        """The event log's partitions of the batch's years, made before its rows are written (by
        this thread, outside the writers' transactions), so history lands in its own years."""
        if connection.vendor != "postgresql":
            return
        years = {row_year(row) for row in batch} - self.years_ready
        if years:
            if self.threaded:
                # The writers finish the batches they hold first: a partition is made with locks
                # on the tables their open transactions write (a deadlock otherwise).
                self.queue.join()
            partitions.ensure_year_partitions(years)
            self.years_ready |= years

    def submit(self, batch: list[HistoryRow | Prepared], lines: list[int] | None = None) -> None:
        """``lines``: the file's line of each row, to find and report rows the database refuses."""
        self._partitions_for(batch)
        if not self.threaded:
            self._write(batch, lines)
            return
        if self.error is not None:
            self.finish()
        self.queue.put((batch, lines))

    def finish(self) -> None:
        if self.threaded:
            alive = [thread for thread in self.threads if thread.is_alive()]
            for _thread in alive:
                self.queue.put(None)
            for thread in alive:
                thread.join()
        if self.error is not None:
            raise self.error


def load_records(
    header: list[str],
    records: Iterable[tuple[int, list[str]]],
    *,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> HistoryReport:
    """Check and write the ``(line, fields)`` of a file whose first line is ``header``; the core
    of the command."""
    report = HistoryReport()
    catalog = _Catalog()
    seen: set[str] = set()
    batch: list[HistoryRow | Prepared] = []
    writer = BatchWriter(report)
    # Where each column is (the last of two equal names, as a dict of the row would keep it).
    position = {name: i for i, name in enumerate(header)}
    at = [position.get(name) for name in COLUMNS]
    code_at = position.get("code")
    # Rows of the usual shape go to PostgreSQL's COPY text at once; any other row, and every row
    # elsewhere, is checked by ``check_row``.
    fast = connection.vendor == "postgresql" and None not in at
    width = max((i for i in at if i is not None), default=0) + 1
    counted = 0
    lines: list[int] = []
    try:
        for line, fields in records:
            report.read += 1
            try:
                if isinstance(fields, RowError):
                    raise fields
                row = _fast_row(fields, at, catalog) if fast and len(fields) >= width else None
                if row is None:
                    # a short row lacks its last columns, as with csv.DictReader
                    row = check_row(dict(zip(header, fields, strict=False)), catalog)
                    code = row.code
                else:
                    code = row[0]
                if code in seen:
                    raise RowError(_("mã hồ sơ trùng với một dòng trước trong tệp"))
                catalog.check_register(code)
            except RowError as exc:
                code = ""
                fields = getattr(fields, "fields", fields)
                if not isinstance(fields, RowError) and code_at is not None and code_at < len(fields):
                    code = fields[code_at].strip()[:CODE_MAX]
                report.errors.append(Problem(line=line, code=code, reason=str(exc)))
            else:
                seen.add(code)
                batch.append(row)
                lines.append(line)
                if len(batch) >= batch_size:
                    writer.submit(batch, lines)
                    batch, lines = [], []
            if progress:
                counted += 1
                if counted == 1000:
                    progress(counted)
                    counted = 0
        if batch:
            writer.submit(batch, lines)
    finally:
        if progress and counted:
            progress(counted)
        writer.finish()
    if report.created:
        extensions.after_import()  # what other apps write for a new dossier (its fee lines)
    report.errors.sort(key=lambda problem: problem.line)
    return report


def import_history(
    path: Path, *, progress: Callable[[int], None] | None = None, batch_size: int = BATCH_SIZE
) -> HistoryReport:
    """Import the CSV at ``path`` (the header names the columns of ``COLUMNS``, in any order)."""
    with _open(Path(path)) as (header, records):
        return load_records(header, records, progress=progress, batch_size=batch_size)


def count_rows(path: Path) -> int:
    """The number of data rows, for the progress bar (a quick pass over the bytes)."""
    with Path(path).open("rb") as handle:
        return max(sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1, 0)
