"""The office imports its address lists: upload, map the columns (remembered for the next
file with the same headers), read the preview, confirm. The reading and the rules are in
organisations/imports.py; nothing is written before the confirmation."""

import hashlib
from collections import Counter

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_POST

from common.security import log_event
from common.staff import staff_required
from office.forms import ImportMappingForm, ImportUploadForm
from organisations.imports import apply_import, judge, read_table, remembered_mapping
from organisations.models import DirectoryImport

PREVIEW_PAGE_SIZE = 100
STATUSES = ["error", "duplicate", "new", "update", "unchanged"]


@staff_required
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        header = form.rows[0]
        earlier = DirectoryImport.objects.exclude(mapping={}).values_list("header", "mapping")
        upload = DirectoryImport.objects.create(
            file_name=form.cleaned_data["file"].name[:200],
            data=form.data,
            header=header,
            mapping={
                str(index): name
                for index, name in remembered_mapping(header, list(earlier[:20])).items()
            },
            uploaded_by=request.user,
        )
        return redirect("office:import_preview", pk=upload.pk)
    context = {
        "form": form,
        "imports": DirectoryImport.objects.filter(applied_at__isnull=False).select_related(
            "uploaded_by"
        )[:10],
    }
    return render(request, "office/import_upload.html", context)


def judged_rows(upload: DirectoryImport) -> list:
    """The file's rows judged with the chosen mapping (none without an organisation column)."""
    mapping = {int(index): name for index, name in upload.mapping.items() if name}
    rows = read_table(bytes(upload.data), upload.file_name)
    return judge(rows, mapping) if "organisation" in mapping.values() else []


def fingerprint(judged: list) -> str:
    """What the preview showed, so that a confirmation after the directory changed is refused."""
    text = ";".join(f"{row.number}:{row.status}" for row in judged)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@staff_required
def import_preview(request, pk):
    """The mapping of the columns and one line per row: new, update, unchanged, duplicate or
    error, with the reasons. POST saves the mapping (and shows the preview again)."""
    upload = get_object_or_404(DirectoryImport, pk=pk, applied_at__isnull=True)
    mapping_form = ImportMappingForm(
        request.POST or None,
        header=upload.header,
        initial={f"column_{index}": name for index, name in upload.mapping.items()},
    )
    if request.method == "POST" and mapping_form.is_valid():
        upload.mapping = mapping_form.mapping()
        upload.save(update_fields=["mapping"])
        messages.success(request, _("The mapping has been saved; the preview below follows it."))
        return redirect("office:import_preview", pk=upload.pk)
    judged = judged_rows(upload)
    counts = Counter(row.status for row in judged)
    shown = request.GET.get("zeigen", "")
    rows = [row for row in judged if row.status == shown] if shown in STATUSES else judged
    context = {
        "upload": upload,
        "mapping_form": mapping_form,
        "judged": judged,
        "counts": [(status, counts[status]) for status in STATUSES],
        "writable": counts["new"] + counts["update"],
        "noted": sum(1 for row in judged if row.notes),
        "shown": shown if shown in STATUSES else "",
        "page": Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("seite")),
        "fingerprint": fingerprint(judged),
    }
    return render(request, "office/import_preview.html", context)


@staff_required
@require_POST
def import_confirm(request, pk):
    """Write the new and changed rows, all in one transaction, as the preview showed them."""
    upload = get_object_or_404(DirectoryImport, pk=pk, applied_at__isnull=True)
    judged = judged_rows(upload)
    if not judged or request.POST.get("fingerprint") != fingerprint(judged):
        messages.error(
            request,
            _(
                "The directory or the mapping has changed since the preview was shown. Nothing "
                "was imported: please read the preview again."
            ),
        )
        return redirect("office:import_preview", pk=upload.pk)
    counts = apply_import(judged, user=request.user, file_name=upload.file_name)
    statuses = Counter(row.status for row in judged)
    upload.counts = {**counts, **{f"rows {status}": statuses[status] for status in STATUSES}}
    upload.applied_at = timezone.now()
    upload.data = b""  # the file's person data is not kept once it is in the directory
    upload.save(update_fields=["counts", "applied_at", "data"])
    log_event("directory_imported", request, rows=len(judged))
    messages.success(request, import_summary(upload.counts))
    return redirect("office:import_upload")


# The result's parts, each said only when it happened.
SUMMARY = {
    "organisations created": ngettext_lazy(
        "%(count)s organisation created", "%(count)s organisations created", "count"
    ),
    "organisations changed": ngettext_lazy(
        "%(count)s organisation changed", "%(count)s organisations changed", "count"
    ),
    "contact persons created": ngettext_lazy(
        "%(count)s contact person created", "%(count)s contact persons created", "count"
    ),
    "contact persons changed": ngettext_lazy(
        "%(count)s contact person changed", "%(count)s contact persons changed", "count"
    ),
}


def import_summary(counts: dict) -> str:
    parts = [
        message % {"count": counts[key]} for key, message in SUMMARY.items() if counts.get(key)
    ]
    if not parts:
        return _("Imported: nothing was new or changed.")
    return _("Imported: %(parts)s.") % {"parts": ", ".join(parts)}
