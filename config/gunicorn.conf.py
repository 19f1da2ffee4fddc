"""gunicorn settings shared by `make run`, `make bench` and the browser tests (the bind address is given
on the command line; the number of workers by --workers or WEB_CONCURRENCY).

The access log keeps no personal data: time, method, path WITHOUT the query string (search text stays
out), status, size and duration. No client address, no referrer, no user agent. The error log names no
client address either: gunicorn writes one for every malformed request ("Invalid request from ip=..."),
so every address in either log is replaced with "[address]" (config/gunicorn_logging.py).

Control socket (gunicorn 25.1+, for `gunicornc`): by default every gunicorn on a machine uses the same
path ($XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl), so a second server on the same machine
takes it over from the first. The site does not use it: it is off unless GUNICORN_CONTROL_SOCKET names a
path for this server alone.
"""

import os

# Threads (gthread workers): a request waiting on the database (up to its bound, config/bounded_db.py) holds
# one thread, not the worker, so kept pages and /healthz are answered beside it (issue 24: with one request
# per worker, a few slow requests queued every reader behind them while the database was paused).
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# gunicorn takes SCRIPT_NAME and PATH_INFO from request headers sent by a trusted forwarder (127.0.0.1 and
# a unix socket by default): a local client, or a proxy that passes underscored headers, could move every
# link of a page under another prefix, and that page would be kept for every reader. The site is served at
# the root, and nginx sets no such header: none is taken (and header_map's default drops them).
forwarder_headers = ""

# An idle keep-alive connection waits in the worker's poller (no thread): kept longer than nginx keeps it
# (deploy/nginx.conf.template: keepalive_timeout 60s in the upstream), so nginx never sends a request on a
# connection gunicorn has just closed (a 502; a POST is not tried again). gunicorn's default is 2 s.
keepalive = 75

accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
logger_class = "config.gunicorn_logging.PrivateLogger"

if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True


def post_worker_init(worker):
    """Each worker builds its search index as it starts, in the background (counties/search/store.py), and
    reads the data version in a background thread from then on (counties/pagecache.py).

    `kill -USR2 <worker pid>` makes a worker print every thread's stack to its standard error and go on
    (to see where a stuck request waits; the browser tests do it when the server does not answer).
    """
    import faulthandler
    import signal

    from config.bounded_db import bounded
    from counties.importers import resolver
    from counties.pagecache import watch_data_version
    from counties.search import warm_up

    faulthandler.register(signal.SIGUSR2, all_threads=True, chain=False)
    warm_up()
    resolver.warm_up()  # what an editor's upload preview reads first (bench/preview.py)
    watch_data_version(bounded)  # kept pages never wait on the database for it (config/bounded_db.py)
