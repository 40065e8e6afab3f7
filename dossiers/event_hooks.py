"""Other apps' work on a new dossier event, in the transaction that writes it.

``dossiers`` builds on neither ``national`` nor any later app: an app that must act on every event
(the national portal's sync outbox) registers a function here from its ``AppConfig.ready``, and
``services.common._event`` calls each one right after the notices. A hook writes rows only (an
outbox); anything remote happens after commit. An exception in a hook rolls the action back, as
any other failure of the service would."""

from collections.abc import Callable

_hooks: list[Callable] = []


def register(hook: Callable) -> None:
    """Call ``hook(event)`` for every new event (once, however often this is called)."""
    if hook not in _hooks:
        _hooks.append(hook)


def run(event) -> None:
    for hook in _hooks:
        hook(event)
