"""gunicorn settings shared by `make run`, `make bench` and the browser tests (the bind address is given
on the command line; the number of workers by --workers or WEB_CONCURRENCY).

The access log keeps no personal data: time, method, path WITHOUT the query string (search text stays
out), status, size and duration. No client address, no referrer, no user agent.
"""

accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
