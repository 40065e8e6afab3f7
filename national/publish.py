"""Hand sync messages to the workers without a request ever waiting on the broker (the shared
``notifications.publish.Publisher``; the sweep is ``national.tasks.sweep``). In eager mode (the
embedded default, the tests) nothing is sent from the request: ``manage.py national_sync``
(``--loop`` in ``make run``) does it."""

from notifications.publish import Publisher

publish = Publisher(
    "national.tasks.deliver_batch", what="sync messages", batch_setting="NATIONAL_TASK_BATCH", eager=None
)
