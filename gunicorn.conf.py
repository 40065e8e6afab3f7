"""gunicorn settings of the web container (Dockerfile, docker-compose.yml).

Every value can be changed from the environment; see .env.example.
"""

import os

wsgi_app = "hcc.wsgi:application"
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# Sync workers, two per container by default: measured fastest on 2 cores. Scale out with more
# web containers (docker compose up --scale web=N) rather than more workers in one.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))

# A request that takes longer than this is killed and logged; a slow report belongs in a task.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can't grow without bound.
max_requests = 2000
max_requests_jitter = 200
# The worker heartbeat file on a memory file system: on a container's overlay file system it
# can stall the workers.
SHARED_MEMORY = "/dev/shm"  # noqa: S108 (gunicorn writes only its own files there)  # nosec B108
if os.path.isdir(SHARED_MEMORY):
    worker_tmp_dir = SHARED_MEMORY
# No runtime control socket (gunicornc): the container is restarted, not steered.
control_socket_disable = True

# Access and error logs to standard output and error, for `docker compose logs`. The access log
# line ends with the time taken in milliseconds.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'


def post_worker_init(worker):
    """The application is loaded: its modules, settings, URL patterns and compiled templates live
    as long as the worker. Leave them out of the garbage collector's full scans (``gc.freeze``):
    with some 150,000 of them, a full scan stopped a worker for about 80 ms now and then. Django
    imports the URLconf (every view module) at the first request, not at start-up: load it first
    (``web.warmup``), else its ~47,000 objects are scanned by every full pass."""
    import gc

    from web.warmup import load_lazy_parts

    load_lazy_parts()
    gc.collect()
    gc.freeze()
