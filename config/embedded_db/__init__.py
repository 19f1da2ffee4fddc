"""Django's PostgreSQL backend for the embedded server (config/embedded_pg.py): when a new connection
fails because the server is down (killed, crashed), it starts the server again and connects once more."""
