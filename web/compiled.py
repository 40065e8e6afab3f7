"""Querysets built and compiled once per connection, then run with other values.

Building a queryset and compiling it to SQL costs Django's Python far more than reading a row: the
dossier page's statement (the dossier, its four joined rows, a dozen ``EXISTS`` flags and the
visibility test) took about 6 ms of CPU to build and compile and 0.3 ms to run (issue 25).
``rows(key, build, *values)`` calls ``build`` once per connection and ``key`` with placeholder
values in place of ``values``, keeps the SQL, where each value goes in its parameters and how its
columns become model instances; afterwards it only puts the values in, runs the statement
(prepared on PostgreSQL, ``web.prepared``) and builds the instances as Django's ``ModelIterable``
does (converters, ``select_related`` rows, annotations).

``key`` must name everything the statement's shape depends on besides ``values`` (a list's
length, a role's branch); ``values`` are ints or strings that ``build`` only compares (a value the
ORM transforms, such as ``value.upper()``, cannot be put back: such a queryset is run by the ORM
each time, as is one that is not a plain model queryset).
"""

import hashlib
import weakref
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import ModelIterable, get_related_populators

from web import prepared

# Placeholder values: two sets, so that a parameter that is the same in both is a constant of the
# statement and one that differs is a value (ints small enough for a SmallIntegerField's range)
_INT_SLOTS = (30_001, 31_001)
_STR_SLOTS = ("\x1fa{}\x1f", "\x1fb{}\x1f")
_MAX_SHAPES = 64  # per connection: keys are few (a role's branch, a list's length)

# connection → key → plan (None: the queryset cannot be kept; run by the ORM each time)
_plans: "weakref.WeakKeyDictionary[object, dict[tuple, _Plan | None]]" = weakref.WeakKeyDictionary()


@dataclass
class _Plan:
    name: str
    sql: str
    params: list  # a constant, or the index of a value (``_Value``)
    empty: bool
    compiler: Any = None
    init_list: list | None = None
    start: int = 0
    end: int = 0
    populators: list | None = None
    annotations: dict | None = None
    converters: dict | None = None  # the compiler's, worked out once (``results_iter`` each time)


@dataclass(frozen=True)
class _Value:
    index: int


def _placeholders(values: tuple, which: int) -> list:
    out = []
    for i, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise TypeError(f"only ints and strings can be put into a kept statement, not {value!r}")
        out.append(_INT_SLOTS[which] + i if isinstance(value, int) else _STR_SLOTS[which].format(i))
    return out


def _compiled(build, placeholders: list, alias: str):
    """(queryset, compiler, sql, params) of ``build(*placeholders)``; sql None when it reads
    nothing (``.none()``); None when the queryset is not one this module can keep."""
    queryset = build(*placeholders)
    if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
        return None
    compiler = queryset.query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        if queryset.query.is_empty():
            return queryset, compiler, None, ()
        return None  # a value out of a column's range, say: the ORM decides each time
    return queryset, compiler, sql, params


def statement_name(key: tuple) -> str:
    """The name ``key``'s statement is prepared under (``EXECUTE name (…)`` in a connection's log)."""
    return "kept_" + hashlib.sha256(repr(key).encode()).hexdigest()[:24]


def _plan(key: tuple, build, values: tuple, alias: str) -> _Plan | None:
    name = statement_name(key)
    first = _compiled(build, _placeholders(values, 0), alias)
    second = _compiled(build, _placeholders(values, 1), alias)
    if first is None or second is None or first[2] != second[2]:
        return None
    _queryset, compiler, sql, params = first
    if sql is None:
        return _Plan(name=name, sql="", params=[], empty=True)
    if len(params) != len(second[3]) or "%" in sql.replace("%s", ""):
        return None  # (a literal % in the SQL: PREPARE numbers the %s)
    slots = [{p: i for i, p in enumerate(_placeholders(values, which))} for which in (0, 1)]
    kept = []
    for one, two in zip(params, second[3], strict=True):
        if one == two and type(one) is type(two):
            if isinstance(one, str) and "\x1f" in one:
                return None  # a value transformed by the ORM
            kept.append(one)
            continue
        try:
            index, again = slots[0].get(one), slots[1].get(two)
        except TypeError:  # unhashable
            return None
        if index is None or index != again:
            return None  # a value the ORM transformed, or not a value of ours
        kept.append(_Value(index))
    select, klass_info = compiler.select, compiler.klass_info
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    return _Plan(
        name=name,
        sql=sql,
        params=kept,
        empty=False,
        compiler=compiler,
        init_list=[f[0].target.attname for f in select[start:end]],
        start=start,
        end=end,
        populators=get_related_populators(klass_info, select, alias),
        annotations=compiler.annotation_col_map,
        converters=compiler.get_converters([s[0] for s in select[0 : compiler.col_count]]),
    )


def rows(key: tuple, build, *values, using: str = "default") -> list:
    """The model instances ``build(*values)`` reads, its statement compiled once per connection
    for ``key`` (see the module's text)."""
    connection = connections[using]
    plans = _plans.setdefault(connection, {})
    if key not in plans:
        if len(plans) >= _MAX_SHAPES:
            plans.clear()
        plans[key] = _plan(key, build, values, using)
    plan = plans[key]
    if plan is None:
        return list(build(*values))
    if plan.empty:
        return []
    params = [values[p.index] if isinstance(p, _Value) else p for p in plan.params]
    with connection.cursor() as cursor:
        prepared.execute(cursor, plan.name, plan.sql, params)
        fetched = cursor.fetchall()
    out = []
    model = plan.compiler.klass_info["model"]
    converted = plan.compiler.apply_converters(fetched, plan.converters) if plan.converters else fetched
    for row in converted:
        obj = model.from_db(using, plan.init_list, row[plan.start : plan.end])
        for populator in plan.populators:
            populator.populate(row, obj)
        for name, position in plan.annotations.items():
            setattr(obj, name, row[position])
        out.append(obj)
    return out


def _run_kept(queryset, sql: str, params) -> list:
    """The rows of ``sql`` (``queryset``'s, or built from it) run through ``prepared.execute_text``
    with its values written in: planned once a connection on PostgreSQL, as it is elsewhere."""
    with connections[queryset.db].cursor() as cursor:
        prepared.execute_text(cursor, sql, list(params), inline=True)
        return cursor.fetchall()


def kept_count(queryset) -> int:
    """``queryset.count()``, its statement planned once a connection (``prepared.execute_text``):
    for a list's count whose plan, over a table's partitions, cost more than its run."""
    try:
        sql, params = queryset.order_by().values("pk").query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return 0
    return _run_kept(queryset, f"SELECT COUNT(*) FROM ({sql}) counted", params)[0][0]  # noqa: S608  # nosec B608


def kept_values(queryset) -> list[dict]:
    """The dicts of a ``values(...)`` queryset (a slice of it, say), its statement planned once a
    connection (``prepared.execute_text``); each value converted as the ORM converts it."""
    query = queryset.query
    names = [*query.extra_select, *query.values_select, *query.annotation_select]
    compiler = query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return []
    fetched = _run_kept(queryset, sql, params)
    return [dict(zip(names, row, strict=True)) for row in compiler.results_iter([fetched])]


class KeptValues:
    """A ``Paginator``'s object list over a ``values(...)`` queryset, its count and each page read
    by ``kept_count`` and ``kept_values``; ``counted`` is counted instead when given (the same
    rows without the joins the values bring). A page is read as ``per_page`` rows from its start
    (the paginator asks the last one up to the count): the text, so the prepared statement, of a
    page does not change with the count."""

    def __init__(self, queryset, per_page: int, counted=None):
        self._queryset, self._per_page = queryset, per_page
        self._counted = counted if counted is not None else queryset

    def count(self) -> int:
        return kept_count(self._counted)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, part: slice) -> list[dict]:
        start = part.start or 0
        return kept_values(self._queryset[start : start + self._per_page])[: part.stop - start]
