"""The whole data set from the browser (issue 10, part 4b): the organisation's administrators
download, as one zip, the CSV files `oversight export` writes (docs/data-set.md)."""

from __future__ import annotations

import io

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from oversight.access.data_set import require_export_data_set
from oversight.audit.trail import audit
from oversight.import_export.exporter import export_zip
from oversight.import_export.reader import SPECS
from oversight.web.requests import AuthenticatedHttpRequest


def data_set(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_export_data_set(request.user)
    return render(request, "data_set/page.html", {"files": sorted(SPECS)})


def download(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_export_data_set(request.user)
    archive = io.BytesIO()
    with transaction.atomic():
        # One transaction: every file is read from the same moment of the database.
        counts = export_zip(archive)
        audit(
            request.user,
            "export",
            request=request,
            object_type="data_set",
            object_label="The whole data set (CSV files in a zip)",
            detail={"rows": counts},
        )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response = HttpResponse(archive.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="oversight-data-set-{stamp}.zip"'
    return response
