"""The fields of the desk intake form as HTML (``dossiers/desk/_intake_form.html``), the blank form's
kept in the process (issue 25).

A clerk opens the blank form for every walk-in dossier; building it (about 35 fields: the
applicant, the request, four fields a required document) and writing each field's HTML was more
than a third of the page's time. The blank form shows nothing of a person: only the words of the
page's language, the desk's channel (the return method offered first), the procedure's required
documents and the agencies that may resolve it (with the desk's own agency chosen when it is one).
The key of a kept form is made of those values themselves: the language, the channel, the desk's
agency and every column of each document and each competent agency as read for this request. A
document or an agency edited gives another key at the next request of every process, so nothing
needs invalidating and nothing stale can be shown; the code and its translations change only with
a release, which restarts the processes.

A form with data (a POST, an applicant looked up) is built and written for each request, as before.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable

from django.db.models import Model
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

TEMPLATE = "dossiers/desk/_intake_form.html"
MAX_FORMS = 256  # procedures × channels × desks in use; the oldest used is dropped beyond
_kept: OrderedDict[tuple, SafeString] = OrderedDict()
_lock = threading.Lock()


def _columns(row: Model) -> tuple:
    return tuple(getattr(row, field.attname) for field in row._meta.concrete_fields)


def blank_form_key(*, channel: str, procedure, competent: list, office) -> tuple:
    """Every value the blank intake form's HTML is made of, besides the code and its words:
    ``procedure`` with its documents prefetched (``procedure_detail``), ``competent`` as given to
    ``IntakeForm``."""
    return (
        get_language(),
        channel,
        office.pk if office is not None else None,
        tuple(_columns(document) for document in procedure.documents.all()),
        tuple(_columns(agency) for agency in competent),
    )


def intake_form_html(context: Callable[[], dict], key: tuple | None = None) -> SafeString:
    """The form's fields written from ``context()`` (``form``, ``document_rows``,
    ``files_dropped``); with a ``key`` (a blank form: ``blank_form_key``) the HTML kept for it,
    ``context`` called only when it is not kept yet."""
    if key is None:
        return render_to_string(TEMPLATE, context())
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
            return html
    html = render_to_string(TEMPLATE, context())
    with _lock:
        _kept[key] = html
        while len(_kept) > MAX_FORMS:
            _kept.popitem(last=False)
    return html


def forget_all() -> None:
    """Empty this process's kept forms (the tests)."""
    with _lock:
        _kept.clear()
