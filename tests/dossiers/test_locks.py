"""A dossier's row lock is taken in one place, ``dossiers.locks``, and locks the dossier only."""

import ast
import threading
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from dossiers import services
from dossiers.locks import dossier_lock
from dossiers.models import Dossier
from dossiers.services import Intake
from procedures.models import Agency, Procedure
from tests.factories import applicant

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "tests", "migrations", "node_modules", "static", "var"}
HELPER = ROOT / "dossiers" / "locks.py"


def _root_name(node: ast.AST) -> str:
    """The name a chain like ``Dossier.objects.filter(...).select_for_update`` starts from."""
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def dossier_locks(tree: ast.AST) -> list[int]:
    """Lines of ``select_for_update`` calls on a dossier queryset, and of raw SQL locking the
    dossier table."""
    table = Dossier._meta.db_table
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "select_for_update" and _root_name(node.func.value) == "Dossier":
                found.append(node.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.upper()
            if "FOR UPDATE" in text and table.upper() in text:
                found.append(node.lineno)
    return found


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        if SKIPPED & set(path.relative_to(ROOT).parts[:-1]):
            continue
        yield path


def test_the_scan_finds_a_dossier_lock():
    assert dossier_locks(ast.parse("Dossier.objects.filter(pk=1).select_for_update().get()")) == [1]
    assert dossier_locks(ast.parse("x = 'SELECT 1 FROM dossiers_dossier FOR UPDATE'")) == [1]
    assert dossier_locks(ast.parse("Step.objects.select_for_update().get(pk=1)")) == []


def test_no_dossier_is_locked_outside_the_helper():
    elsewhere = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in _sources()
        if path != HELPER
        for line in dossier_locks(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert not elsewhere, f"lock dossiers through dossiers.locks: {sorted(elsewhere)}"


def _locked_elsewhere(sql: str, pk: int) -> bool:
    """Whether another connection finds the row locked (FOR UPDATE NOWAIT fails at once)."""
    result = {}

    def probe():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [pk])
            result["locked"] = False
        except DatabaseError:
            result["locked"] = True
        finally:
            connection.close()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(timeout=30)
    return result["locked"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_lock_holds_the_dossier_and_leaves_the_joined_rows_free(world):
    documents = {d.id: (1, 0) for d in world.procedure.documents.all()}
    dossier = services.dossier_receive(
        actor=world.clerk,
        procedure=world.procedure,
        intake=Intake(applicant=applicant(), documents=documents),
    )
    quote = connection.ops.quote_name

    def for_update(model) -> str:
        return f"SELECT 1 FROM {quote(model._meta.db_table)} WHERE id = %s FOR UPDATE NOWAIT"  # noqa: S608  # nosec B608

    with transaction.atomic():
        locked = dossier_lock(dossier, related=("procedure", "intake_office"))
        assert locked.procedure == world.procedure
        assert _locked_elsewhere(for_update(Dossier), dossier.pk)
        # an intake elsewhere checks its foreign keys against these rows: they must stay free
        assert not _locked_elsewhere(for_update(Procedure), dossier.procedure_id)
        assert not _locked_elsewhere(for_update(Agency), dossier.intake_office_id)
    assert not _locked_elsewhere(for_update(Dossier), dossier.pk)
