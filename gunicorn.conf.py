"""Gunicorn settings for Tessera (read automatically when gunicorn starts in this directory).

Start the web server with ``gunicorn tessera.wsgi:application`` and, beside it, at least one
``python manage.py run_worker``. Every value can be changed through the environment; see
docs/operations.md.
"""

import os

bind = os.environ.get("TESSERA_BIND", "127.0.0.1:8000")
# Threads rather than many processes: a request mostly waits on the database, and threads share one
# process's memory (the match-key and name-variant tables are loaded once per process).
workers = int(os.environ.get("TESSERA_WEB_WORKERS", "2"))
threads = int(os.environ.get("TESSERA_WEB_THREADS", "8"))
worker_class = "gthread"
# A request that takes longer than this is killed and logged, rather than holding a worker for ever.
timeout = int(os.environ.get("TESSERA_WEB_TIMEOUT", "60"))
graceful_timeout = 30
# Idle keep-alive connections are held open this long. People pause between pages for seconds, and a
# load balancer in front keeps its own pool: a keep-alive shorter than either closes connections just as
# they are reused, which users see as reset connections (bench/results/load.md, 2 Dec 2026). Behind a
# load balancer, set it longer than the balancer's idle timeout (60 s on most).
keepalive = int(os.environ.get("TESSERA_WEB_KEEPALIVE", "75"))
# Recycle each worker process now and then, so a slow leak in any library cannot grow without bound.
max_requests = int(os.environ.get("TESSERA_WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
# The access log line carries no query string: search terms can be names of children.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("TESSERA_FORWARDED_ALLOW_IPS", "127.0.0.1")
