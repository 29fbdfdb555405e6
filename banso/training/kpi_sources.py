"""What training and the help desk feed into plan KPIs, through tracking's one interface (ADR 11)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from banso.core.fiscal import FiscalYear
from banso.tracking.actual_sources import Reading, actual_source
from banso.training import selectors
from banso.training.models import Course


@actual_source("training_completion", _("share of staff who completed a course (%)"), _("course title"))
def training_completion(kpi, parameter, on):
    course = Course.objects.filter(municipality=kpi.measure.plan.municipality, title=parameter.strip()).first()
    rate = selectors.completion_rate(course) if course else None
    if course is None or rate is None:
        return None
    return Reading(Decimal(str(round(rate * 100, 1))), on, f"研修の受講記録：{course.title}")


@actual_source("dx_leaders", _("number of DX leaders designated"), "")
def dx_leaders(kpi, parameter, on):
    municipality = kpi.measure.plan.municipality
    count = selectors.active_designations(municipality, on, kind="leader").count()
    return Reading(Decimal(count), on, "DX推進リーダーの任命")


@actual_source("consultations", _("consultations at the help desk this fiscal year"), _("topic (empty: all)"))
def consultations(kpi, parameter, on):
    year = FiscalYear.of(on).year
    count = selectors.consultation_counts(kpi.measure.plan.municipality, year, parameter.strip())
    return Reading(Decimal(count), on, "相談窓口の記録")


@actual_source("resident_class_attendance", _("residents attending classes this fiscal year"), "")
def resident_class_attendance(kpi, parameter, on):
    count = selectors.resident_attendance(kpi.measure.plan.municipality, FiscalYear.of(on).year)
    return Reading(Decimal(count), on, "住民向け講座の参加者数")
