"""Pages without login: a municipality's published progress, and its open data."""

import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from banso.core.xlsx import Table, csv_bytes
from banso.public import selectors
from banso.tracking import progress


@login_not_required
def progress_page(request, code):
    page = selectors.public_page(code, timezone.localdate())
    return render(
        request,
        "public/progress.html",
        {
            "page": page,
            "plan": page.publication.plan,
            "municipality": page.publication.plan.municipality,
            "rule": progress.RULE,
            "measures": [(m, page.kpis.get(m.pk, [])) for m in page.measures],
        },
    )


@login_not_required
def open_data(request, code, fmt):
    if fmt not in ("csv", "json"):
        raise Http404
    page = selectors.public_page(code, timezone.localdate())
    rows = selectors.open_data_rows(page)
    name = f"{page.publication.plan.municipality.code}_kpi"
    if fmt == "json":
        records = [dict(zip(selectors.OPEN_DATA_COLUMNS, row, strict=True)) for row in rows]
        content = json.dumps(records, ensure_ascii=False, indent=1)
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(
            csv_bytes(Table("kpi", selectors.OPEN_DATA_COLUMNS, rows)), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f"attachment; filename={name}.{fmt}"
    response["Access-Control-Allow-Origin"] = "*"
    return response
