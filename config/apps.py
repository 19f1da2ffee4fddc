from django.contrib.admin.apps import AdminConfig


class EditorsAdminConfig(AdminConfig):
    """django.contrib.admin with config.admin.EditorsAdminSite (a second factor at login) as admin.site."""

    default_site = "config.admin.EditorsAdminSite"
