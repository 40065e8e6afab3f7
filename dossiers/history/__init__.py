"""The history of a legacy one-stop system: ``manage.py import_dossiers FILE`` and the bulk path of
``seed_demo --dossiers N``.

Rows are checked one by one in Python (a bad row is reported with its line and reason and the rest
still loads), then written in batches: on PostgreSQL with ``COPY`` into a temporary table, one
statement per batch that inserts the new dossiers (``ON CONFLICT (code) DO NOTHING``), their
events and stages their cells for the statistics' rollups, then one upsert per rollup table
(``add_staged`` of the listener of ``dossiers.statistics``: ``dashboards.rollup``), the rows every
batch shares last; the batch's commit does not wait for the disk (``synchronous_commit = off``:
after a crash, running the import again adds what was lost, and a batch is never half written);
elsewhere with ``bulk_create(ignore_conflicts=True)`` and ``statistics.dossiers_inserted``.
Importing the same file twice adds nothing: a dossier is known by its code. Each imported dossier
gets one ``import`` event, so its timeline says where it came from. Nothing here goes through the
state machine: history is taken as it was recorded.

The package, by what each part does:

- ``rows``: the columns, a row checked against the catalog (``check_row``, ``_fast_row``);
- ``reading``: the CSV file read record by record, a bad record reported and skipped;
- ``writing``: one batch written in one transaction (``write_rows``);
- ``loading``: the import as a whole (``import_history``, ``BatchWriter``, the report);
- ``demo``: synthetic history for ``seed_demo --dossiers N``, written by the same writer.
"""

from dossiers.history.demo import open_steps, seed_history, synthetic_rows
from dossiers.history.loading import BatchWriter, count_rows, import_history, load_records
from dossiers.history.reading import MAX_RECORD_CHARS, MAX_RECORD_LINES
from dossiers.history.rows import (
    AS_WRITTEN,
    BATCH_SIZE,
    COLUMNS,
    IMPORT_ACTION,
    REQUIRED_COLUMNS,
    HistoryFileError,
    HistoryReport,
    HistoryRow,
    Problem,
    RowError,
    check_row,
    cutover_date,
)
from dossiers.history.writing import write_rows

__all__ = [
    "AS_WRITTEN",
    "BATCH_SIZE",
    "COLUMNS",
    "IMPORT_ACTION",
    "MAX_RECORD_CHARS",
    "MAX_RECORD_LINES",
    "REQUIRED_COLUMNS",
    "BatchWriter",
    "HistoryFileError",
    "HistoryReport",
    "HistoryRow",
    "Problem",
    "RowError",
    "check_row",
    "count_rows",
    "cutover_date",
    "import_history",
    "load_records",
    "open_steps",
    "seed_history",
    "synthetic_rows",
    "write_rows",
]
