"""Editors' accounts in the admin (issue 27): the user list says who has a second factor (without one,
nobody can log in), and a superuser gives a new editor their second factor, or replaces a lost one, from
the user's page: the authenticator app's QR code on screen and ten recovery codes, shown once."""

import segno
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_POST

from ..editors import new_second_factor, second_factor_summary

User = get_user_model()


class EditorUserAdmin(UserAdmin):
    list_display = [*UserAdmin.list_display, "second_factor"]
    change_form_template = "admin/auth/user/change_form_second_factor.html"

    @admin.display(description="Second factor")
    def second_factor(self, user):
        return second_factor_summary(user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, object_id)
        extra = {"second_factor": second_factor_summary(user)} if user is not None else {}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/second-factor/",
                view(require_POST(self.second_factor_view)),
                name="auth_user_second_factor",
            ),
            *super().get_urls(),
        ]

    def second_factor_view(self, request, pk):
        """POST only, superusers only: a new app key and new codes (or new codes only), shown once."""
        if not request.user.is_superuser:
            raise PermissionDenied
        user = get_object_or_404(User, pk=pk)
        codes_only = request.POST.get("what") == "codes"
        app, tokens = new_second_factor(user, codes_only=codes_only)
        self.log_change(
            request, user, "Gave a new second factor" + (" (recovery codes only)" if codes_only else "")
        )
        messages.success(
            request,
            f"{user.get_username()} has new recovery codes; the old codes no longer work (the app stays)."
            if codes_only
            else f"{user.get_username()} has a new second factor; the old app and codes no longer work.",
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"New second factor for {user.get_username()}",
            "subject": user,
            "opts": self.opts,
            "app_url": app.config_url if app else "",
            "qr_svg": segno.make(app.config_url, error="m").svg_inline(scale=5) if app else "",
            "tokens": tokens,
        }
        return TemplateResponse(request, "admin/auth/user/second_factor.html", context)


admin.site.unregister(User)
admin.site.register(User, EditorUserAdmin)
