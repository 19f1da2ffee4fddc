"""Django's PostgreSQL backend with a bounded connection check (config/bounded_db.py): the site's ENGINE for
any server (DATABASE_URL); config/embedded_db extends it for the embedded one."""
