"""A ``Paginator`` over a page read together with its count (issue 25).

The inbox (``dossiers.inbox``) and the desk's online queue (``dossiers.online_queue``) read the
number of rows and the page asked for in one statement. ``Paginator.get_page`` then asks its
object list for its length and for a slice; ``CountedRows`` answers both from what was read, and
reads another page (a number past the end, or not a number, that ``get_page`` replaced) only
when the paginator asks for it.
"""

from collections.abc import Callable


class CountedRows:
    """The ``Paginator``'s object list: ``count`` rows in all, ``rows`` the page read at
    ``offset``; ``read(offset)`` returns (count, rows) of another page."""

    def __init__(self, count: int, offset: int, rows: list, read: Callable[[int], tuple[int, list]]):
        self._count, self._offset, self._rows, self._read = count, offset, rows, read

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, part: slice) -> list:
        if part.start != self._offset:
            self._count, self._rows = self._read(part.start)
            self._offset = part.start
        return self._rows
