"""Editors' admin: ICE's lists (with the upload of a new one, upload.py) and each check of ICE's page."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from ..editing import ReadOnlyAdmin
from ..importers.download import printable
from ..importers.sync import check_in_background
from ..models import (
    Snapshot,
    SnapshotData,
    SyncRun,
)
from .upload import SnapshotUploadMixin


@admin.register(Snapshot)
class SnapshotAdmin(SnapshotUploadMixin, ReadOnlyAdmin):
    # Seven short columns, so that the table fits beside the filters on a 1280 px screen (twelve did not;
    # the file's name and the rest are on each list's page; on a phone the list scrolls inside its box).
    list_display = ["as_of", "list", "confirmed_through", "rows", "unplaced", "agreements", "how_added"]
    list_select_related = ["imported_by"]
    list_filter = ["kind", "origin"]
    exclude = ["counts"]
    readonly_fields = ["unresolved_rows"]
    change_list_template = "admin/counties/snapshot/change_list.html"

    @admin.display(description="list", ordering="kind")
    def list(self, snapshot):
        return "pending" if snapshot.kind == Snapshot.Kind.PENDING else "signed"

    @admin.display(description="last seen", ordering="unchanged_through")
    def confirmed_through(self, snapshot):
        return snapshot.unchanged_through

    @admin.display(description="rows", ordering="rows_read")
    def rows(self, snapshot):
        return snapshot.rows_read

    @admin.display(description="unplaced", ordering="rows_unresolved")
    def unplaced(self, snapshot):
        return snapshot.rows_unresolved

    @admin.display(description="changes")
    def agreements(self, snapshot):
        return f"+{snapshot.agreements_added} −{snapshot.agreements_dropped} ~{snapshot.agreements_changed}"

    @admin.display(description="how it came", ordering="imported_at")
    def how_added(self, snapshot):
        when = f"{timezone.localtime(snapshot.imported_at):%Y-%m-%d}"
        if snapshot.origin == Snapshot.Origin.UPLOAD:
            who = snapshot.imported_by.get_username() if snapshot.imported_by else "an editor"
            return f"upload, {who}, {when}"
        if snapshot.origin == Snapshot.Origin.SYNC:
            return f"ICE check, {when}"
        if snapshot.origin == Snapshot.Origin.SHIPPED:
            return "shipped"
        return f"command, {when}"

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
        view = self.admin_site.admin_view
        return [
            path("check-now/", view(require_POST(self.check_now_view)), name="counties_syncrun_check_now"),
            path("<int:pk>/held-file/", view(self.held_file_view), name="counties_syncrun_held_file"),
            *super().get_urls(),
        ]

    def check_now_view(self, request):
        """Editors who may upload a list may also ask for a check of ICE's site now (POST)."""
        if not request.user.has_perm("counties.add_snapshot"):
            raise PermissionDenied
        if check_in_background() is None:
            self.message_user(
                request,
                "A check of ICE's site is running already (the scheduled one or another editor's): its result "
                "appears here when it ends. Reload this page in a minute.",
                messages.WARNING,
            )
        else:
            self.message_user(
                request,
                "Checking ICE's site now. The result appears here in a minute or two (reload this page); "
                "editors get an e-mail if a list changed or the check failed.",
                messages.INFO,
            )
        return HttpResponseRedirect(reverse("admin:counties_syncrun_changelist"))

    def held_file_view(self, request, pk):
        run = get_object_or_404(SyncRun, pk=pk)
        if not self.has_view_permission(request, run) or not run.held_file:
            raise PermissionDenied
        response = HttpResponse(
            bytes(run.held_file),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = "held-" + (printable(run.filename) or "workbook.xlsx")  # as ICE named it, but a header's safe
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response
