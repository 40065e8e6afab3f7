"""The translation catalogs: each message defined once.

A merge that adds the same msgid twice still compiles with Babel (the later one wins, silently),
but GNU msgfmt refuses the file, and a translator fixing the first copy sees no change.
"""

import ast
from collections import Counter
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def entries(path: Path):
    """(msgctxt, msgid) of each live entry of a .po file, its continuation lines joined."""
    found, context, message, field = [], None, None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if message is not None:
                found.append((context, message))
            context, message, field = None, None, None
        elif line.startswith("msgctxt "):
            context, field = ast.literal_eval(line[8:]), "context"
        elif line.startswith("msgid "):
            message, field = ast.literal_eval(line[6:]), "message"
        elif line.startswith('"') and field == "context":
            context += ast.literal_eval(line)
        elif line.startswith('"') and field == "message":
            message += ast.literal_eval(line)
        elif not line.startswith('"'):
            field = None
    return found


@pytest.mark.parametrize("path", sorted(LOCALE.glob("*/LC_MESSAGES/*.po")), ids=lambda p: p.parts[-3])
def test_each_message_is_defined_once(path):
    counts = Counter(entries(path))
    assert len(counts) > 10, f"{path} was not read"
    twice = [message for message, count in counts.items() if count > 1 and message[1]]
    assert not twice, f"{path.name} ({path.parts[-3]}) defines these more than once: {twice[:5]}"
