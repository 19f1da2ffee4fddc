"""Editors' admin: ICE's lists (with the upload of a new one, upload.py) and each check of ICE's page."""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from ..editing import ReadOnlyAdmin
from ..models import (
    Snapshot,
    SnapshotData,
    SyncRun,
)
from .upload import SnapshotUploadMixin


@admin.register(Snapshot)
class SnapshotAdmin(SnapshotUploadMixin, ReadOnlyAdmin):
    list_display = [
        "as_of",
        "kind",
        "unchanged_through",
        "filename",
        "rows_read",
        "rows_unresolved",
        "agreements_added",
        "agreements_dropped",
        "agreements_changed",
        "origin",
        "imported_at",
        "imported_by",
    ]
    list_select_related = ["imported_by"]
    list_filter = ["kind", "origin"]
    exclude = ["counts"]
    readonly_fields = ["unresolved_rows"]
    change_list_template = "admin/counties/snapshot/change_list.html"

    @admin.display(description="rows that could not be placed")
    def unresolved_rows(self, snapshot):
        data = (
            SnapshotData.objects.filter(snapshot=snapshot).values_list("unresolved", flat=True).first() or []
        )
        if not data:
            return "None."
        search = reverse("admin:counties_agency_changelist")
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td>{} (<a href="{}">Find the agency</a>)</td><td>{}</td><td>{}</td></tr>',
            (
                (row[0], row[1], row[2], search + "?" + urlencode({"q": str(row[2]).strip()}), row[3], row[4])
                for row in data
            ),
        )
        return format_html(
            "<table><thead><tr><th>Row</th><th>State</th><th>Agency</th><th>Model</th><th>Problem</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    """Every check of ICE's site by the scheduled `sync_ice_287g`: what was fetched and what came of it."""

    list_display = [
        "finished_at", "item", "result", "http_status", "list_date", "date_from", "filename", "kind_from",
        "short_message",
    ]  # fmt: skip
    list_filter = ["result", "item"]
    date_hierarchy = "finished_at"
    exclude = ["held_file"]
    readonly_fields = ["held_file_link"]

    @admin.display(description="message")
    def short_message(self, run):
        return run.message[:120]

    @admin.display(description="held file")
    def held_file_link(self, run):
        if not run.held_file:
            return "—"
        url = reverse("admin:counties_syncrun_held_file", args=[run.pk])
        return format_html('<a href="{}">Download the held workbook ({} bytes)</a>', url, len(run.held_file))

    def get_urls(self):
        return [
            path(
                "<int:pk>/held-file/",
                self.admin_site.admin_view(self.held_file_view),
                name="counties_syncrun_held_file",
            ),
            *super().get_urls(),
        ]

    def held_file_view(self, request, pk):
        run = get_object_or_404(SyncRun, pk=pk)
        if not self.has_view_permission(request, run) or not run.held_file:
            raise PermissionDenied
        response = HttpResponse(
            bytes(run.held_file),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="held-{run.filename or "workbook.xlsx"}"'
        return response
