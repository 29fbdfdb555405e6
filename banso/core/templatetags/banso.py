from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from banso.core.fiscal import FiscalYear

register = template.Library()


@register.filter
def wareki(year):
    """2025 -> 令和7年度. Empty stays empty."""
    if year in (None, ""):
        return ""
    return FiscalYear.parse(year).era_label


@register.filter
def fy_label(year):
    """2025 -> 令和7年度（2025年度）."""
    if year in (None, ""):
        return ""
    return FiscalYear.parse(year).label


@register.filter
def fy_short(year):
    if year in (None, ""):
        return ""
    return FiscalYear.parse(year).short_label


@register.filter
def percent(share, digits=1):
    """0.4083 -> 40.8%."""
    if share in (None, ""):
        return "—"
    return f"{Decimal(share) * 100:.{int(digits)}f}%"


@register.filter
def number(value):
    """12345 -> 12,345 (always with commas, whatever the language)."""
    if value in (None, ""):
        return "—"
    if isinstance(value, float | Decimal) and value != int(value):
        return f"{value:,.2f}"
    return f"{int(value):,}"


@register.filter
def audit_value(value):
    if value is None or value == "":
        return _("(empty)")
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return value


@register.simple_tag
def history_url(obj):
    from django.urls import reverse

    return reverse("history", args=[obj._meta.label, obj.pk])
