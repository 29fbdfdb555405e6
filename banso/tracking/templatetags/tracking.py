"""The KPI chart: actuals against the expected path, as inline SVG with the numbers in a table beside it."""

import datetime as dt
from decimal import Decimal

from django import template

from banso.core.fiscal import FiscalYear

register = template.Library()
WIDTH, HEIGHT, LEFT, TOP, BOTTOM = 600, 240, 110, 20, 40


@register.inclusion_tag("tracking/partials/kpi_chart.html")
def kpi_chart(row, title=""):
    """`row` is a selectors.KPIRow. The dashed line is the path from the baseline to each target."""
    kpi = row.kpi
    path = []
    if kpi.baseline_value is not None and kpi.baseline_date:
        path.append((kpi.baseline_date, Decimal(kpi.baseline_value)))
    path += sorted((FiscalYear(y).end, Decimal(v)) for y, v in row.targets.items() if v is not None)
    actual = [(a.as_of, Decimal(a.value)) for a in row.actuals]
    points = path + actual
    if not points:
        return {"empty": True}
    days = [p[0] for p in points]
    values = [p[1] for p in points]
    first, last = min(days), max(days)
    low, high = min([*values, Decimal(0)]), max(values)
    span_days = max((last - first).days, 1)
    span_value = (high - low) or Decimal(1)

    def xy(day: dt.date, value: Decimal):
        x = LEFT + (WIDTH - LEFT - 10) * (day - first).days / span_days
        y = TOP + (HEIGHT - TOP - BOTTOM) * float((high - value) / span_value)
        return round(x, 1), round(y, 1)

    return {
        "empty": False,
        "title": title or kpi.name,
        "width": WIDTH,
        "height": HEIGHT,
        "path": " ".join(f"{x},{y}" for x, y in (xy(d, v) for d, v in path)),
        "actual": " ".join(f"{x},{y}" for x, y in (xy(d, v) for d, v in actual)),
        "key": kpi.pk,  # markers (the dots on the actuals) need an id unique on the page
        "high": high,
        "low": low,
        "first": first,
        "last": last,
        "unit": kpi.unit,
        "bottom": HEIGHT - BOTTOM,
        "left": LEFT,
        "right": WIDTH - 10,
    }
