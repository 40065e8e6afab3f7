"""Queue the digitisation tasks on commit through the shared publisher (short broker timeouts,
never failing the request; the ``documents.tasks.sweep`` beat job queues again what is still
queued). In the embedded default (tasks eager) the work runs in a thread of the web process when
``HCC_DIGITISE_IN_BACKGROUND`` is on (``make run``), so the clerk's page never waits for OCR, and
in the caller otherwise (tests)."""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections

from notifications.publish import Publisher, run_here

log = logging.getLogger(__name__)


def _in_thread(task, args: list) -> None:
    def run():
        try:
            task.apply(args=args, throw=True)
        except Exception:  # the row stays queued or failed, shown on the dossier page; the sweep retries
            log.exception("background digitisation %s failed", args)
        finally:
            close_old_connections()

    threading.Thread(target=run, name=f"digitise-{args[0]}", daemon=True).start()


def _eagerly(task, args: list) -> None:
    (_in_thread if settings.HCC_DIGITISE_IN_BACKGROUND else run_here)(task, args)


PUBLISHERS = {
    "digitise": Publisher("documents.tasks.digitise", what="digitisations", eager=_eagerly),
    "result": Publisher("documents.tasks.store_result", what="results to store", eager=_eagerly),
}


def dispatch(name: str, digitisation_id: int) -> None:
    PUBLISHERS[name]([digitisation_id])
