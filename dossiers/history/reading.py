"""Reading the CSV file: records that may span lines, a bad record reported and skipped, the
header checked."""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.utils.translation import gettext as _

from dossiers.history.rows import COLUMNS, REQUIRED_COLUMNS, HistoryFileError, RowError

# A record may span lines (a quoted field with line breaks), but not more than this: past it, an
# opening quote without its closing one is taken as the cause, the line where the record starts is
# reported, and reading goes on from the next line. A line longer than this is a bad row too
# (every field we read is short); it is skipped without being held in memory.
MAX_RECORD_LINES = 50
MAX_RECORD_CHARS = 65_536
# What a field may not hold: a NUL (PostgreSQL refuses it) and, as Python reads a file that is not
# UTF-8 with ``surrogateescape``, the bytes that are not UTF-8.
_BAD_TEXT = re.compile("[\x00\udc80-\udcff]")


class _TooLong(Exception):
    pass


class _Lines:
    """The physical lines of the file, numbered, for ``csv.reader``; the lines a bad record took
    after its first are given back, to be read again as records of their own."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.number = 0
        self.back: deque[tuple[int, str | None]] = deque()
        self.taken: list[tuple[int, str | None]] = []
        self.chars = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.back:
            number, text = self.back.popleft()
        else:
            text = self.handle.readline(MAX_RECORD_CHARS + 1)
            if not text:
                raise StopIteration
            self.number += 1
            number = self.number
            if len(text) > MAX_RECORD_CHARS and not text.endswith("\n"):
                while (rest := self.handle.readline(MAX_RECORD_CHARS + 1)) and not rest.endswith("\n"):
                    pass  # the rest of an overlong line, skipped
                text = None
        self.taken.append((number, text))
        if text is None:
            raise _TooLong(_("dòng dài quá %(n)s ký tự") % {"n": f"{MAX_RECORD_CHARS:,}".replace(",", ".")})
        self.chars += len(text)
        if len(self.taken) > MAX_RECORD_LINES or self.chars > MAX_RECORD_CHARS:
            raise _TooLong(
                _("dấu ngoặc kép mở mà không đóng (bản ghi dài hơn %(n)s dòng hoặc %(chars)s ký tự)")
                % {"n": MAX_RECORD_LINES, "chars": f"{MAX_RECORD_CHARS:,}".replace(",", ".")}
            )
        return text

    def start(self) -> None:
        self.taken = []
        self.chars = 0

    def first(self) -> int:
        return self.taken[0][0] if self.taken else self.number

    def give_back(self) -> None:
        self.back.extendleft(reversed(self.taken[1:]))


def _records(handle) -> Iterator[tuple[int, list[str] | RowError]]:
    """``(line, fields)`` of each record that is not blank, where ``line`` is where it starts, or
    ``(line, RowError)`` for a record that cannot be read: whatever the bytes (NUL, not UTF-8, an
    unbalanced quote, an overlong field, a truncated last line), reading goes on after it."""
    lines = _Lines(handle)
    reader = csv.reader(lines, strict=True)
    while True:
        lines.start()
        try:
            fields = next(reader)
        except StopIteration:
            return
        except (csv.Error, _TooLong) as exc:
            if not lines.taken:
                return
            line = lines.first()
            lines.give_back()
            reader = csv.reader(lines, strict=True)
            reason = (
                str(exc) if isinstance(exc, _TooLong) else _("không đọc được CSV: %(error)s") % {"error": exc}
            )
            yield line, RowError(reason)
            continue
        if not fields:
            continue
        bad = _BAD_TEXT.search("".join(fields))
        if bad:
            error = RowError(_("có ký tự NUL") if bad.group() == "\x00" else _("có byte không phải UTF-8"))
            error.fields = [_BAD_TEXT.sub("\ufffd", field) for field in fields]  # printable, for its code
            yield lines.first(), error
            continue
        yield lines.first(), fields


@contextmanager
def _open(path: Path) -> Iterator[tuple[list[str], Iterator[tuple[int, list[str] | RowError]]]]:
    """The header's names and the ``(line, fields)`` of each record (``_records``)."""
    try:
        handle = path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as exc:
        raise HistoryFileError(_("Không mở được %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
    with handle:
        records = _records(handle)
        first = next(records, (1, []))[1]
        if isinstance(first, RowError):
            raise HistoryFileError(_("Dòng tiêu đề không đọc được: %(error)s") % {"error": first})
        header = [name.strip() for name in first]
        missing = sorted(REQUIRED_COLUMNS - set(header))
        if missing:
            raise HistoryFileError(
                _("Dòng tiêu đề thiếu cột: %(columns)s. Cần: %(all)s.")
                % {"columns": ", ".join(missing), "all": ", ".join(COLUMNS)}
            )
        yield header, records
