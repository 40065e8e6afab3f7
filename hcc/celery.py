"""The Celery application.

Without ``REDIS_URL`` (the embedded default) tasks run eagerly in the web process;
with it, a worker and beat process pick them up (see docker-compose.yml).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hcc.settings")

app = Celery("hcc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
