"""What an import reports: rows created, updated, failed, and the warnings."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass
class RowProblem:
    """An error or warning about one row: ``line`` is the CSV physical line of the row's start
    (the header is line 1) or, for JSON, the 1-based index of the item in the list."""

    line: int
    code: str
    reason: str
    unit: str = "line"  # "line" (CSV) or "item" (JSON)

    def __str__(self) -> str:
        where = (_("Mục %(line)s") if self.unit == "item" else _("Dòng %(line)s")) % {"line": self.line}
        if self.code:
            where = f"{where} ({self.code})"
        return f"{where}: {self.reason}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def failed(self) -> int:
        return len(self.errors)


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, wrong shape, unknown default agency)."""
