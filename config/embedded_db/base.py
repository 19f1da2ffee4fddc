from django.db.backends.postgresql import base

from config import embedded_pg
from config.db.base import DatabaseWrapper as BoundedWrapper


class DatabaseWrapper(BoundedWrapper):
    def get_new_connection(self, conn_params):
        try:
            return super().get_new_connection(conn_params)
        except base.Database.OperationalError:
            socket_dir = embedded_pg.restart_if_stopped()
            if socket_dir is None:  # it was running: the failure is not that it died
                raise
            self.settings_dict["HOST"] = conn_params["host"] = socket_dir
            return super().get_new_connection(conn_params)
