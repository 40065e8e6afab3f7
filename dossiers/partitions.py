"""The event log partitioned by year on PostgreSQL (issue 25, ``docs/scaling.md`` section 4).

``dossiers_event`` is a table partitioned by ``RANGE (dossier_year)``: the year its dossier came in
(``Dossier.received_year``), one partition a year (``dossiers_event_y2026``) and a default one for
a year without its own. A dossier's timeline names its year and is read from one partition.

- ``partition_events`` turns an existing plain table into the partitioned one (migration
  ``dossiers.0019``); ``unpartition_events`` is its reverse.
- ``ensure_year_partitions`` adds the partitions of the years asked for, moving the rows that had
  landed in the default partition meanwhile (Celery beat: this year's and next year's, daily, so
  next year's partition is there before 1 January).

On SQLite nothing of this applies: the table is a plain table there, with the same columns.

The primary key is ``(id, dossier_year)`` (PostgreSQL requires the partition key in it); ids still
come from one identity sequence, so an id names one event. The one foreign key to events,
``national.SyncMessage.event``, is the composite ``(event_id, event_year)``, added in SQL by
``national.0003`` (Django cannot declare it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

TABLE = "dossiers_event"
DEFAULT = f"{TABLE}_default"
# The foreign keys that point at the event table, dropped before the conversion and put back
# (composite) by the migration of their app: any other one stops the conversion.
KNOWN_REFERENCES = {"national_syncmessage"}

DOSSIERS = "dossiers_dossier"
DOSSIERS_DEFAULT = f"{DOSSIERS}_default"
# The registry of what must be unique across the years' partitions of the dossiers (PostgreSQL
# cannot enforce a unique index without the partition key): one row a dossier, kept by a trigger.
REGISTRY = "dossiers_dossierkey"
# The dossiers' own unique keys that move to the registry, and how to put them back.
MOVED_TO_REGISTRY = {
    "dossier_code_key": "ALTER TABLE dossiers_dossier ADD CONSTRAINT dossier_code_key UNIQUE (code)",
    "dossier_tracking_token_key": (
        "ALTER TABLE dossiers_dossier ADD CONSTRAINT dossier_tracking_token_key UNIQUE (tracking_token)"
    ),
    "dossier_register_line_key": (
        "CREATE UNIQUE INDEX dossier_register_line_key ON dossiers_dossier "
        "(intake_office_id, register_book, register_number) WHERE register_number IS NOT NULL"
    ),
}
# What the registry keeps of a dossier (besides id and received_year).
REGISTRY_COLUMNS = ("code", "tracking_token", "intake_office_id", "register_book", "register_number")


def year_sql(alias: str = "") -> str:
    """SQL of ``Dossier.received_year`` over a dossier row (``alias.`` prefixed columns)."""
    p = f"{alias}." if alias else ""
    # TIME_ZONE is a setting of ours, not input; it is checked to be a zone name by Django.
    return (
        f"EXTRACT(YEAR FROM COALESCE({p}submitted_at, {p}received_at, {p}created_at) "
        f"AT TIME ZONE '{settings.TIME_ZONE}')::smallint"
    )


def partition_name(year: int, table: str = TABLE) -> str:
    return f"{table}_y{int(year)}"


def is_partitioned(cursor, table: str = TABLE) -> bool:
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
    row = cursor.fetchone()
    return bool(row and row[0] == "p")


def year_partitions(cursor, table: str = TABLE) -> dict[str, str]:
    """The partitions of ``table``: name → bound (``FOR VALUES FROM (2026) TO (2027)``, ``DEFAULT``)."""
    cursor.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
        [table],
    )
    return dict(cursor.fetchall())


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _indexes_and_constraints(cursor, table: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The table's index definitions (primary key aside) and its foreign key and check constraints."""
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = to_regclass(%s) AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
        "WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid) "
        "ORDER BY c.relname",
        [table],
    )
    indexes = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = to_regclass(%s) AND contype IN ('f', 'c', 'u') ORDER BY conname",
        [table],
    )
    return indexes, list(cursor.fetchall())


def _references_to(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint "
        "WHERE confrelid = to_regclass(%s) AND contype = 'f' AND conparentid = 0 ORDER BY 1, 2",
        [table],
    )
    return list(cursor.fetchall())


def _swap(cursor, old: str, new: str, indexes, constraints, primary_key: str) -> None:
    """Drop ``old``, rename ``new`` to its name, and give it ``old``'s indexes and constraints under
    their own names (Django finds them by name in later migrations)."""
    cursor.execute(f'DROP TABLE "{old}"')
    cursor.execute(f'ALTER TABLE "{new}" RENAME TO "{old}"')
    cursor.execute(f'ALTER SEQUENCE "{new}_id_seq" RENAME TO "{old}_id_seq"')
    cursor.execute(f'ALTER TABLE "{old}" ADD CONSTRAINT "{old}_pkey" PRIMARY KEY ({primary_key})')
    for definition in indexes:
        # a partitioned table's own index reads "ON ONLY": here it is made for the whole table
        cursor.execute(definition.replace(" ON ONLY ", " ON ", 1))
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE "{old}" ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(f'ANALYZE "{old}"')


def _identity(cursor, table: str) -> None:
    cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY')
    cursor.execute(f'SELECT COALESCE(max(id), 0) + 1 FROM "{table}"')  # noqa: S608  # nosec B608
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, cursor.fetchone()[0]]
    )


def _partitioned_copy(cursor, table: str, key: str, found: list[int], default: str) -> tuple[str, list[int]]:
    """An empty ``<table>_partitioned`` like ``table`` with the year column ``key``, ranged by it: a
    partition for each year ``found``, this year and next, and the ``default`` one. Returns its name
    and the years."""
    new = f"{table}_partitioned"
    cursor.execute(
        f'CREATE TABLE "{new}" (LIKE "{table}" INCLUDING DEFAULTS INCLUDING STORAGE, '
        f"{key} smallint NOT NULL) PARTITION BY RANGE ({key})"
    )
    this_year = timezone.localdate().year
    years = sorted(set(found) | {this_year, this_year + 1})
    for year in years:
        bound = f"FOR VALUES FROM ({year}) TO ({year + 1})"
        cursor.execute(f'CREATE TABLE "{partition_name(year, table)}" PARTITION OF "{new}" {bound}')
    cursor.execute(f'CREATE TABLE "{default}" PARTITION OF "{new}" DEFAULT')
    return new, years


def partition_events(cursor) -> list[int]:
    """The plain event table → partitioned by the dossier's year, rows, indexes and constraints kept.
    Returns the years that got a partition. Run in the migration's transaction: nothing changes
    unless all of it does (the table is locked for the copy: a maintenance window)."""
    if is_partitioned(cursor):
        return []
    references = _references_to(cursor, TABLE)
    unknown = [ref for ref in references if ref[0] not in KNOWN_REFERENCES]
    if unknown:
        raise RuntimeError(f"foreign keys to {TABLE} this conversion does not know: {unknown}")
    cursor.execute(f'LOCK TABLE "{TABLE}" IN ACCESS EXCLUSIVE MODE')
    for referencing, name in references:
        cursor.execute(f'ALTER TABLE "{referencing}" DROP CONSTRAINT "{name}"')
    indexes, constraints = _indexes_and_constraints(cursor, TABLE)
    columns = [c for c in _columns(cursor, TABLE) if c != "dossier_year"]
    cursor.execute(f"SELECT DISTINCT {year_sql('d')} FROM dossiers_dossier d")  # noqa: S608  # nosec B608
    found = [row[0] for row in cursor.fetchall()]
    new, years = _partitioned_copy(cursor, TABLE, "dossier_year", found, DEFAULT)
    column_list = ", ".join(f'"{c}"' for c in columns)
    selected = ", ".join(f'e."{c}"' for c in columns)
    cursor.execute(
        f'INSERT INTO "{new}" ({column_list}, dossier_year) SELECT {selected}, {year_sql("d")} '  # noqa: S608  # nosec B608
        f'FROM "{TABLE}" e JOIN dossiers_dossier d ON d.id = e.dossier_id'
    )
    _identity(cursor, new)
    _swap(cursor, TABLE, new, indexes, constraints, "id, dossier_year")
    return years


def unpartition_events(cursor) -> None:
    """The reverse of ``partition_events``: one plain table with a primary key on ``id`` again, and
    the foreign keys of ``KNOWN_REFERENCES`` on ``event_id`` alone (their composite one is removed
    by their own migration's reverse, which runs first)."""
    if not is_partitioned(cursor):
        return
    cursor.execute(f'LOCK TABLE "{TABLE}" IN ACCESS EXCLUSIVE MODE')
    indexes, constraints = _indexes_and_constraints(cursor, TABLE)
    columns = [c for c in _columns(cursor, TABLE) if c != "dossier_year"]
    new = f"{TABLE}_plain"
    cursor.execute(f'CREATE TABLE "{new}" (LIKE "{TABLE}" INCLUDING DEFAULTS INCLUDING STORAGE)')
    cursor.execute(f'ALTER TABLE "{new}" DROP COLUMN dossier_year')
    column_list = ", ".join(f'"{c}"' for c in columns)
    cursor.execute(f'INSERT INTO "{new}" ({column_list}) SELECT {column_list} FROM "{TABLE}"')  # noqa: S608  # nosec B608
    _identity(cursor, new)
    # The partitions go with the table; indexes naming dossier_year would not apply.
    indexes = [i for i in indexes if "dossier_year" not in i]
    _swap(cursor, TABLE, new, indexes, constraints, "id")
    for referencing in sorted(KNOWN_REFERENCES):
        cursor.execute(
            f'ALTER TABLE "{referencing}" ADD CONSTRAINT "{referencing}_event_id_fk_{TABLE}_id" '
            f'FOREIGN KEY (event_id) REFERENCES "{TABLE}" (id) DEFERRABLE INITIALLY DEFERRED'
        )


def ensure_year_partitions(years, *, using=None) -> list[str]:
    """Give each year of ``years`` its own partition of the dossier and event tables, if it has
    none: the rows of that year waiting in the default partition move into it, in one transaction.
    Returns the partitions made. Nothing on a database that is not PostgreSQL, or not partitioned."""
    conn = connection if using is None else using
    if conn.vendor != "postgresql":
        return []
    made = []
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        for table, key in ((DOSSIERS, "received_year"), (TABLE, "dossier_year")):
            if is_partitioned(cursor, table):
                made += _ensure(cursor, table, key, years)
    return made


def _ensure(cursor, table: str, key: str, years) -> list[str]:
    made = []
    existing = year_partitions(cursor, table)
    default = f"{table}_default"
    for year in sorted({int(y) for y in years}):
        name = partition_name(year, table)
        if name in existing:
            continue
        bound = f"FOR VALUES FROM ({year}) TO ({year + 1})"
        # Inserts into the default partition wait until the rows have moved.
        cursor.execute(f'LOCK TABLE "{default}" IN EXCLUSIVE MODE')
        cursor.execute(f'SELECT 1 FROM "{default}" WHERE "{key}" = %s LIMIT 1', [year])  # noqa: S608  # nosec B608
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE TABLE "{name}" PARTITION OF "{table}" {bound}')
        else:
            # PostgreSQL checks a foreign key to a partitioned table partition by partition: rows
            # that change partition while referenced break it (and the registry's key to the
            # dossiers would cascade their deletion). The references are taken off for the move
            # and put back, checked again (a rare path: the partitions are made ahead).
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE confrelid = to_regclass(%s) AND contype = 'f' AND conparentid = 0",
                [table],
            )
            references = cursor.fetchall()
            for referencing, constraint, _definition in references:
                cursor.execute(f'ALTER TABLE "{referencing}" DROP CONSTRAINT "{constraint}"')
            cursor.execute(
                f'CREATE TABLE "{name}" '
                f'(LIKE "{table}" INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING CONSTRAINTS)'
            )
            cursor.execute(
                f'INSERT INTO "{name}" SELECT * FROM "{default}" WHERE "{key}" = %s',  # noqa: S608  # nosec B608
                [year],
            )
            cursor.execute(f'DELETE FROM "{default}" WHERE "{key}" = %s', [year])  # noqa: S608  # nosec B608
            cursor.execute(f'ALTER TABLE "{table}" ATTACH PARTITION "{name}" {bound}')
            for referencing, constraint, definition in references:
                cursor.execute(f'ALTER TABLE "{referencing}" ADD CONSTRAINT "{constraint}" {definition}')
        made.append(name)
    return made


def ensure_coming_partitions(today=None) -> list[str]:
    """This year's and next year's partitions (Celery beat, daily: next year's is made on the first
    run of the year, long before December ends)."""
    year = (today or timezone.localdate()).year
    return ensure_year_partitions([year, year + 1])


_REGISTRY_FUNCTION = f"""
CREATE FUNCTION {REGISTRY}_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {REGISTRY} (id, received_year, {", ".join(REGISTRY_COLUMNS)})
        VALUES (NEW.id, NEW.received_year, {", ".join(f"NEW.{c}" for c in REGISTRY_COLUMNS)});
    ELSE
        UPDATE {REGISTRY} SET {", ".join(f"{c} = NEW.{c}" for c in REGISTRY_COLUMNS)} WHERE id = NEW.id;
    END IF;
    RETURN NULL;
END $$
"""  # noqa: S608  # nosec B608
# Named to sort before PostgreSQL's own "RI_ConstraintTrigger_…": triggers of one event fire in name
# order, so the registry row is there when the dossier's key to it is checked, even when the
# constraints are made immediate (the history import does).
_REGISTRY_TRIGGERS = (
    f'CREATE TRIGGER "A_registry_insert" AFTER INSERT ON {DOSSIERS} '
    f"FOR EACH ROW EXECUTE FUNCTION {REGISTRY}_keep()",
    f'CREATE TRIGGER "A_registry_update" AFTER UPDATE OF {", ".join(REGISTRY_COLUMNS)} ON {DOSSIERS} '
    f"FOR EACH ROW WHEN ({' OR '.join(f'OLD.{c} IS DISTINCT FROM NEW.{c}' for c in REGISTRY_COLUMNS)}) "
    f"EXECUTE FUNCTION {REGISTRY}_keep()",
)


def _dossier_references(cursor) -> list[tuple[str, str, str]]:
    """The foreign keys to the dossiers (top-level, not their partitions' copies): table, name,
    column. Each must be single-column on ``id``: the conversion points it at the registry."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, conkey, confkey FROM pg_constraint "
        "WHERE confrelid = to_regclass(%s) AND contype = 'f' AND conparentid = 0 ORDER BY 1, 2",
        [DOSSIERS],
    )
    references = []
    for table, name, columns, referenced in cursor.fetchall():
        if len(columns) != 1 or len(referenced) != 1:
            raise RuntimeError(f"a foreign key to {DOSSIERS} this conversion does not know: {table} {name}")
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum = %s",
            [table, columns[0]],
        )
        references.append((table, name, cursor.fetchone()[0]))
    return references


def partition_dossiers(cursor) -> list[int]:
    """The plain dossier table → partitioned by ``received_year``, with the registry of its keys
    (``REGISTRY``) and every foreign key to the dossiers pointed at the registry. Returns the years
    that got a partition. Run in the migration's transaction: nothing changes unless all of it
    does (the table is locked for the copy: a maintenance window)."""
    if is_partitioned(cursor, DOSSIERS):
        return []
    cursor.execute(f'LOCK TABLE "{DOSSIERS}" IN ACCESS EXCLUSIVE MODE')
    references = _dossier_references(cursor)
    for referencing, name, _column in references:
        cursor.execute(f'ALTER TABLE "{referencing}" DROP CONSTRAINT "{name}"')
    indexes, constraints = _indexes_and_constraints(cursor, DOSSIERS)
    # the unique keys go to the registry: a partitioned table cannot hold them
    indexes = [i for i in indexes if not any(f"INDEX {moved} " in i for moved in MOVED_TO_REGISTRY)]
    constraints = [(n, d) for n, d in constraints if n not in MOVED_TO_REGISTRY]
    columns = [c for c in _columns(cursor, DOSSIERS) if c != "received_year"]
    cursor.execute(f"SELECT DISTINCT {year_sql()} FROM {DOSSIERS}")  # noqa: S608  # nosec B608
    new, years = _partitioned_copy(
        cursor, DOSSIERS, "received_year", [row[0] for row in cursor.fetchall()], DOSSIERS_DEFAULT
    )
    column_list = ", ".join(f'"{c}"' for c in columns)
    cursor.execute(
        f'INSERT INTO "{new}" ({column_list}, received_year) '  # noqa: S608  # nosec B608
        f'SELECT {column_list}, {year_sql()} FROM "{DOSSIERS}"'
    )
    _identity(cursor, new)
    _swap(cursor, DOSSIERS, new, indexes, constraints, "id, received_year")
    _make_registry(cursor)
    for referencing, name, column in references:
        cursor.execute(
            f'ALTER TABLE "{referencing}" ADD CONSTRAINT "{name}" FOREIGN KEY ("{column}") '
            f"REFERENCES {REGISTRY} (id) DEFERRABLE INITIALLY DEFERRED"
        )
    return years


def _make_registry(cursor) -> None:
    """The registry, filled from the dossiers, with its keys both ways and the trigger that keeps it."""
    cursor.execute(
        f"CREATE TABLE {REGISTRY} (id bigint NOT NULL, received_year smallint NOT NULL, "
        "code varchar(40) NOT NULL, tracking_token varchar(64) NOT NULL, intake_office_id bigint NOT NULL, "
        "register_book integer, register_number integer)"
    )
    cursor.execute(
        f"INSERT INTO {REGISTRY} (id, received_year, {', '.join(REGISTRY_COLUMNS)}) "  # noqa: S608  # nosec B608
        f"SELECT id, received_year, {', '.join(REGISTRY_COLUMNS)} FROM {DOSSIERS}"
    )
    for statement in (
        f"ALTER TABLE {REGISTRY} ADD CONSTRAINT {REGISTRY}_pkey PRIMARY KEY (id)",
        f"ALTER TABLE {REGISTRY} ADD CONSTRAINT {REGISTRY}_code_key UNIQUE (code)",
        f"ALTER TABLE {REGISTRY} ADD CONSTRAINT {REGISTRY}_tracking_token_key UNIQUE (tracking_token)",
        f"ALTER TABLE {REGISTRY} ADD CONSTRAINT {REGISTRY}_id_year_key UNIQUE (id, received_year)",
        f"CREATE UNIQUE INDEX {REGISTRY}_register_line_key ON {REGISTRY} "
        "(intake_office_id, register_book, register_number) WHERE register_number IS NOT NULL",
        # each registry row has its dossier; a dossier deleted takes its row along
        f"ALTER TABLE {REGISTRY} ADD CONSTRAINT {REGISTRY}_dossier_fk FOREIGN KEY (id, received_year) "
        f"REFERENCES {DOSSIERS} (id, received_year) ON DELETE CASCADE",
        # each dossier has its registry row (checked at the commit: the trigger writes it)
        f"ALTER TABLE {DOSSIERS} ADD CONSTRAINT dossier_registry_fk FOREIGN KEY (id, received_year) "
        f"REFERENCES {REGISTRY} (id, received_year) DEFERRABLE INITIALLY DEFERRED",
        _REGISTRY_FUNCTION,
        *_REGISTRY_TRIGGERS,
        f"ANALYZE {REGISTRY}",
    ):
        cursor.execute(statement)


def unpartition_dossiers(cursor) -> None:
    """The reverse of ``partition_dossiers``: one plain table with a primary key on ``id`` and its
    unique keys again, the registry gone, the foreign keys to the dossiers on the table again."""
    if not is_partitioned(cursor, DOSSIERS):
        return
    cursor.execute(f'LOCK TABLE "{DOSSIERS}" IN ACCESS EXCLUSIVE MODE')
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, conkey FROM pg_constraint "
        "WHERE confrelid = to_regclass(%s) AND contype = 'f' AND conparentid = 0 ORDER BY 1, 2",
        [REGISTRY],
    )
    references = []
    for table, name, columns in cursor.fetchall():
        if table == DOSSIERS:
            continue
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum = %s",
            [table, columns[0]],
        )
        references.append((table, name, cursor.fetchone()[0]))
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    cursor.execute(f"ALTER TABLE {DOSSIERS} DROP CONSTRAINT dossier_registry_fk")
    cursor.execute(f"DROP TABLE {REGISTRY}")
    for trigger in ("A_registry_insert", "A_registry_update"):
        cursor.execute(f'DROP TRIGGER "{trigger}" ON {DOSSIERS}')
    cursor.execute(f"DROP FUNCTION {REGISTRY}_keep()")
    indexes, constraints = _indexes_and_constraints(cursor, DOSSIERS)
    columns = [c for c in _columns(cursor, DOSSIERS) if c != "received_year"]
    new = f"{DOSSIERS}_plain"
    cursor.execute(f'CREATE TABLE "{new}" (LIKE "{DOSSIERS}" INCLUDING DEFAULTS INCLUDING STORAGE)')
    cursor.execute(f'ALTER TABLE "{new}" DROP COLUMN received_year')
    column_list = ", ".join(f'"{c}"' for c in columns)
    cursor.execute(f'INSERT INTO "{new}" ({column_list}) SELECT {column_list} FROM "{DOSSIERS}"')  # noqa: S608  # nosec B608
    _identity(cursor, new)
    indexes = [i for i in indexes if "received_year" not in i]
    _swap(cursor, DOSSIERS, new, indexes, constraints, "id")
    for statement in MOVED_TO_REGISTRY.values():
        cursor.execute(statement)
    for referencing, name, column in references:
        cursor.execute(
            f'ALTER TABLE "{referencing}" ADD CONSTRAINT "{name}" FOREIGN KEY ("{column}") '
            f'REFERENCES "{DOSSIERS}" (id) DEFERRABLE INITIALLY DEFERRED'
        )
