import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import template
from django.db.models import Model
from django.template import Context
from django.utils.translation import gettext as _

from banso.core.fiscal import FiscalYear

register = template.Library()


@register.filter
def wareki(year: Any) -> str:
    """2025 -> 令和7年度. Empty stays empty."""
    if year in (None, ""):
        return ""
    return FiscalYear.parse(year).era_label


@register.filter
def fy_label(year: Any) -> str:
    """2025 -> 令和7年度（2025年度）."""
    if year in (None, ""):
        return ""
    return FiscalYear.parse(year).label


@register.filter
def fy_short(year: Any) -> str:
    if year in (None, ""):
        return ""
    return FiscalYear.parse(year).short_label


@register.filter
def percent(share: Any, digits: int | str = 1) -> str:
    """0.4083 -> 40.8%."""
    if share in (None, ""):
        return "—"
    return f"{Decimal(share) * 100:.{int(digits)}f}%"


@register.filter
def number(value: Any) -> str:
    """12345 -> 12,345 (always with commas, whatever the language)."""
    if value in (None, ""):
        return "—"
    if isinstance(value, float | Decimal) and value != int(value):
        return f"{value:,.2f}"
    return f"{int(value):,}"


# Units of what is counted one by one: a value worked out between two whole numbers (an expected value on the
# straight line to a target) is shown whole, 「31件」 rather than 「30.98件」. A unit with a multiplier (万人, 千件)
# keeps its decimals.
COUNTED_UNITS = (
    "件",
    "人",
    "回",
    "箇所",
    "か所",
    "ヶ所",
    "カ所",
    "団体",
    "校",
    "社",
    "台",
    "本",
    "種類",
    "手続",
    "手続き",
    "業務",
    "施設",
    "世帯",
    "部署",
    "名",
    "店舗",
    "事業所",
    "個",
    "冊",
    "枚",
    "機関",
    "地区",
    "園",
    "課",
    "基",
    "アカウント",
    "システム",
    "講座",
    "事例",
)
MULTIPLIERS = ("十", "百", "千", "万", "億")
SHARE_UNITS = ("%", "％", "ポイント", "pt")


@register.filter
def measured(value: Any, unit: Any = "") -> str:
    """A KPI's number with the precision its unit allows: whole for what is counted (件, 人, 箇所 …), one decimal
    for a share (%), up to two decimals otherwise. The unit itself is written after it by the template."""
    if value in (None, ""):
        return "—"
    unit = str(unit or "").strip()
    number_ = Decimal(str(value))
    counted = re.split(r"[/／]", unit, maxsplit=1)[0]  # 「件/年」 counts 件
    if counted.endswith(COUNTED_UNITS) and not counted.startswith(MULTIPLIERS):
        return f"{round(number_):,}"
    if unit.endswith(SHARE_UNITS):
        text = f"{number_:,.1f}"
        return text.removesuffix(".0")
    return number(value)


@register.filter
def whole(value: Any) -> str:
    """23556.9 -> 23,557: hours and yen are shown without decimals."""
    if value in (None, ""):
        return "—"
    return f"{round(Decimal(str(value))):,}"


@register.filter
def audit_value(value: Any) -> Any:
    if value is None or value == "":
        return _("(empty)")
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return value


@register.simple_tag
def history_url(obj: Model) -> str:
    from django.urls import reverse

    return reverse("history", args=[obj._meta.label, obj.pk])


@register.inclusion_tag("core/partials/bar_chart.html")
def bar_chart(
    rows: Iterable[Any], title: str, value_key: str = "hours", label_key: str = "label", unit: str = ""
) -> dict[str, Any]:
    """A horizontal bar chart as inline SVG; the page shows the same numbers in a table."""
    shown = list(rows)[:15]
    largest = max((float(r[value_key]) for r in shown), default=0) or 1
    bars = [
        {
            "label": str(r[label_key])[:18],
            "value": float(r[value_key]),
            "y": i * 30,
            "width": round(float(r[value_key]) / largest * 560, 1),
        }
        for i, r in enumerate(shown)
    ]
    return {"bars": bars, "title": title, "height": len(bars) * 30 + 4, "unit": unit}


@register.filter
def wareki_day(day: dt.date | None) -> str:
    """A date as 令和7年5月12日."""
    from banso.core.fiscal import wareki_date

    return wareki_date(day) if day else ""


@register.filter
def wareki_month(day: dt.date | None) -> str:
    """A date as 令和7年5月, for a chart's axis."""
    from banso.core.fiscal import wareki_date

    return wareki_date(day, with_day=False) if day else ""


@register.simple_tag(takes_context=True)
def query_with(context: Context, **changes: Any) -> str:
    """The page's query string with some parameters changed (an empty value removes one): pagination and
    export links keep the search and its filters."""
    params = context["request"].GET.copy()
    params.pop("export", None)
    for key, value in changes.items():
        if value in ("", None):
            params.pop(key, None)
        else:
            params[key] = value
    encoded: str = params.urlencode()
    return encoded


@register.simple_tag(takes_context=True)
def query_toggle(context: Context, name: str, value: Any) -> str:
    """The query string with a filter switched on, or off when it is already on; back to the first page."""
    params = context["request"].GET.copy()
    for key in ("page", "export"):
        params.pop(key, None)
    if params.get(name) == str(value):
        params.pop(name)
    else:
        params[name] = value
    encoded: str = params.urlencode()
    return encoded
