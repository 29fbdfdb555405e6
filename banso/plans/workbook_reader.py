"""Reading a plan workbook (`plans.layout`) and checking every row before anything is written.

Each problem names the sheet, the row, the column letter with the header as the file spells it, and says in
Japanese what to do. Problems that lose nothing (a tag Banso does not know, a funding scheme it does not list)
are warnings: the row is still imported, with the words kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from banso.core.fields import nfkc, typed
from banso.core.fiscal import FiscalYear, FiscalYearError
from banso.core.uploads import Problem, column_letter, formula_cells, open_xlsx
from banso.plans import layout
from banso.plans.layout import SheetLayout
from banso.plans.models import DEFAULT_GRADE_SCALE, KPI, FundingScheme, Measure, Partner, Plan
from banso.plans.selectors import funding_scheme_named, split_names
from banso.plans.services import MAX_POLICY_DEPTH
from banso.plans.values import is_blank, parse_amount

# A target may lie a few 年度 after the plan ends (標準化 by the next 年度末), not decades.
YEARS_AFTER_THE_PLAN = 5


@dataclass
class PlanImport:
    problems: list[Problem] = field(default_factory=list)
    header: dict[str, Any] = field(default_factory=dict)
    viewpoints: list[tuple[str, str]] = field(default_factory=list)
    partners: dict[str, str] = field(default_factory=dict)  # name -> kind
    phases: list[dict] = field(default_factory=list)
    policies: dict[str, dict] = field(default_factory=dict)  # number -> values
    measures: dict[str, dict] = field(default_factory=dict)  # number -> values
    steps: dict[str, dict[int, str]] = field(default_factory=dict)  # number -> {year: text}
    budgets: dict[str, dict[int, dict]] = field(default_factory=dict)  # number -> {year: values}
    kpis: dict[str, dict[str, dict]] = field(default_factory=dict)  # number -> name -> values
    grades: dict[tuple[str, str], dict[int, dict]] = field(
        default_factory=dict
    )  # (number, name) -> year -> values
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


class _Sheet:
    """Rows of one sheet as {key: cell}, with the helpers that place a problem."""

    def __init__(self, workbook, info, sheet: SheetLayout, result: PlanImport):
        self.name, self.result = sheet.name, result
        self.rows: list[tuple[int, dict]] = []
        self.index: dict[str, int] = {}
        self.headers: dict[str, str] = {c.key: c.header for c in sheet.columns}
        self.present = sheet.name in workbook.sheet_names
        if not self.present:
            if not sheet.optional:
                result.problems.append(
                    Problem(
                        _("The sheet “%(sheet)s” is missing. Export the plan again to get the layout.")
                        % {"sheet": sheet.name},
                        sheet=sheet.name,
                    )
                )
            return
        cells = workbook.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
        written = [str(c or "") for c in (cells[0] if cells else [])]
        folded = [nfkc(h).replace(" ", "") for h in written]
        for column in sheet.columns:
            wanted = nfkc(column.header).replace(" ", "")
            if wanted in folded:
                self.index[column.key] = folded.index(wanted)
                self.headers[column.key] = written[self.index[column.key]].strip()
        missing = [c.header for c in sheet.columns if c.key not in self.index and not c.optional]
        if missing:
            result.problems.append(
                Problem(
                    _(
                        "These columns are missing: %(columns)s. Put the headers back (export the plan to see them) and import again."
                    )
                    % {"columns": "、".join(missing)},
                    sheet=sheet.name,
                    row=1,
                )
            )
            self.index = {}
            return
        formulas = formula_cells(info, sheet.name)
        for offset, row in enumerate(cells[1:], start=2):
            values = {c.key: None for c in sheet.columns}
            values.update({key: row[i] if i < len(row) else None for key, i in self.index.items()})
            if all(v in (None, "") for v in values.values()):
                continue
            for key, i in self.index.items():
                if (offset - 1, i) in formulas:
                    self.error(offset, key, _("This cell holds a formula. Enter the value itself."))
            self.rows.append((offset, values))

    def where(self, key: str) -> str:
        return f"{column_letter(self.index.get(key, 0))}（{self.headers[key]}）"

    def error(self, row: int, key: str, message: str, severity: str = "error") -> None:
        self.result.problems.append(
            Problem(
                message,
                sheet=self.name,
                row=row,
                column=self.where(key),
                field=self.headers[key],
                severity=severity,
            )
        )

    def warn(self, row: int, key: str, message: str) -> None:
        self.error(row, key, message, severity="warning")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _split(value: Any) -> list[str]:
    return split_names(_text(value))


def _fiscal(sheet: _Sheet, row: int, key: str, value: Any) -> int | None:
    text = _text(value)
    if not text:
        sheet.error(row, key, _("Enter the fiscal year (for example R7 or 2025)."))
        return None
    try:
        return FiscalYear.parse(text).year
    except FiscalYearError as err:
        sheet.error(row, key, str(err))
        return None


@dataclass
class _Period:
    start: int
    end: int

    def check(self, sheet: _Sheet, row: int, key: str, year: int | None, *, after: int = 0) -> int | None:
        """The year if it lies in the plan (or up to `after` years past its end), else a problem and None."""
        if year is None:
            return None
        if not self.start <= year <= self.end + after:
            sheet.error(
                row,
                key,
                _("%(year)s is outside the plan period (%(start)s to %(end)s).")
                % {"year": FiscalYear(year), "start": FiscalYear(self.start), "end": FiscalYear(self.end)},
            )
            return None
        return year


def _date(sheet: _Sheet, row: int, key: str, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = nfkc(_text(value)).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text if text.count("-") == 2 else f"{text}-01")
    except ValueError:
        sheet.error(row, key, _("“%(value)s” is not a date. Write it as 2024-04-01.") % {"value": _text(value)})
        return None


def read_plan_workbook(
    path, plan: Plan | None = None, *, municipality=None, original_name: str = ""
) -> PlanImport:
    """Check every row of the file, against `plan` or, for a new plan, against `municipality`; raise UploadError
    if the file cannot be opened. Writes nothing."""
    info, workbook = open_xlsx(path, original_name=original_name)
    result = PlanImport()
    sheets = {s.name: _Sheet(workbook, info, s, result) for s in layout.SHEETS}
    if result.errors:
        return result
    municipality = plan.municipality if plan is not None else municipality
    _read_header(sheets[layout.PLAN.name], plan, result)
    if result.errors:
        return result
    period = _Period(
        result.header.get("start_year", plan.start_year if plan else 0),
        result.header.get("end_year", plan.end_year if plan else 0),
    )
    known = _Known(plan, municipality, result)
    _read_viewpoints(sheets[layout.VIEWPOINTS.name], result)
    _read_phases(sheets[layout.PHASES.name], period, result)
    _read_policies(sheets[layout.POLICIES.name], known, result)
    _read_partners(sheets[layout.PARTNERS.name], result)
    _read_measures(sheets[layout.MEASURES.name], known, result)
    _read_steps(sheets[layout.STEPS.name], period, known, result)
    _read_budgets(sheets[layout.BUDGETS.name], period, known, result)
    _read_kpis(sheets[layout.KPIS.name], period, known, result)
    _read_grades(sheets[layout.GRADES.name], period, known, result)
    result.counts = {
        "measures": len(result.measures),
        "steps": sum(len(s) for s in result.steps.values()),
        "kpis": sum(len(k) for k in result.kpis.values()),
        "policies": len(result.policies),
    }
    if (
        not (result.header or result.measures or result.steps or result.kpis or result.policies)
        and not result.errors
    ):
        result.problems.append(Problem(_("The file has no measures, steps or KPIs to import.")))
    return result


class _Known:
    """What rows may refer to: the plan's parts and the file's own, the town's departments, Banso's lists."""

    def __init__(self, plan: Plan | None, municipality, result: PlanImport):
        self.result = result
        self.plan_measures = {m.number for m in plan.measures.all()} if plan else set()
        self.plan_policies = (
            {p.number: (p.parent.number if p.parent else "") for p in plan.policies.select_related("parent")}
            if plan
            else {}
        )
        self.plan_viewpoints = {v.title for v in plan.viewpoints.all()} if plan else set()
        self.plan_kpis = (
            {(k.measure.number, k.name) for k in KPI.objects.filter(measure__plan=plan).select_related("measure")}
            if plan
            else set()
        )
        scale = result.header.get("grade_scale") or (plan.grade_scale if plan else DEFAULT_GRADE_SCALE)
        self.grades = Plan(grade_scale=scale).grades()
        self.departments = {nfkc(d.name): d for d in municipality.departments.all()}
        self.schemes = list(FundingScheme.objects.all())
        self.partners = {nfkc(name) for name in Partner.objects.values_list("name", flat=True)}
        self.statuses: dict[str, str] = {}
        for value, label in Measure.Status.choices:
            self.statuses[layout.status_name(value)] = value
            self.statuses[str(label)] = value
            self.statuses[value] = value

    def measure_exists(self, number: str) -> bool:
        return number in self.plan_measures or number in self.result.measures

    def funding(self, sheet: _Sheet, row: int, key: str, names: list[str]) -> tuple[list[FundingScheme], str]:
        """Banso's schemes among the names, and the others as written (each with a warning: nothing is lost)."""
        schemes, other = [], []
        for name in names:
            scheme = funding_scheme_named(name, self.schemes)
            if scheme is None:
                other.append(name)
                sheet.warn(
                    row,
                    key,
                    _(
                        "“%(name)s” is not among Banso's funding schemes: it is kept as written. Choose the scheme on the measure's page when it is known."
                    )
                    % {"name": name},
                )
            else:
                schemes.append(scheme)
        return schemes, "、".join(other)


def _read_header(sheet: _Sheet, plan: Plan | None, result: PlanImport) -> None:
    if not sheet.present:
        if plan is None:
            result.problems.append(
                Problem(
                    _("The sheet “%(sheet)s” is missing. Export the plan again to get the layout.")
                    % {"sheet": "計画"},
                    sheet="計画",
                )
            )
        return
    labels = {nfkc(label): key for key, label in layout.PLAN_ITEMS.items()}
    for row, cells in sheet.rows:
        key = labels.get(nfkc(_text(cells["item"])))
        if key is None:
            continue
        value = cells["value"]
        if key in ("start_year", "end_year"):
            year = _fiscal(sheet, row, "value", value)
            if year is not None:
                result.header[key] = year
        elif key in ("starts_on", "ends_on"):
            result.header[key] = _date(sheet, row, "value", value) if _text(value) else None
        else:
            result.header[key] = (
                _text(value) if key not in ("vision", "background", "grade_scale") else str(value or "").strip()
            )
    if not result.header.get("title"):
        result.problems.append(Problem(_("Enter the plan's title in the 計画 sheet (計画名)."), sheet=sheet.name))
    if "start_year" not in result.header or "end_year" not in result.header:
        result.problems.append(
            Problem(_("Enter the plan's first and last fiscal year in the 計画 sheet."), sheet=sheet.name)
        )
    elif result.header["end_year"] < result.header["start_year"]:
        result.problems.append(Problem(_("The plan cannot end before it starts."), sheet=sheet.name))
    if "grade_scale" in result.header and not Plan(grade_scale=result.header["grade_scale"]).grades():
        result.header.pop("grade_scale")


def _read_viewpoints(sheet: _Sheet, result: PlanImport) -> None:
    seen = set()
    for row, cells in sheet.rows:
        title = typed(_text(cells["title"]))
        if not title:
            sheet.error(row, "title", _("Enter the viewpoint."))
        elif nfkc(title) in seen:
            sheet.error(row, "title", _("The viewpoint “%(title)s” appears twice.") % {"title": title})
        else:
            seen.add(nfkc(title))
            result.viewpoints.append((title, _text(cells["description"])))


def _read_partners(sheet: _Sheet, result: PlanImport) -> None:
    seen: set[str] = set()
    for row, cells in sheet.rows:
        name, kind_name = typed(_text(cells["name"])), nfkc(_text(cells["kind"]))
        kind = layout.PARTNER_KINDS.get(kind_name or "その他")
        if not name:
            sheet.error(row, "name", _("Enter the partner's name."))
        elif nfkc(name) in seen:
            sheet.error(row, "name", _("The partner “%(name)s” appears twice.") % {"name": name})
        elif kind is None:
            sheet.error(
                row,
                "kind",
                _("“%(value)s” is not a kind of partner. Use %(kinds)s.")
                % {"value": kind_name, "kinds": "・".join(layout.PARTNER_KINDS)},
            )
        else:
            seen.add(nfkc(name))
            result.partners[name] = kind


def _read_phases(sheet: _Sheet, period: _Period, result: PlanImport) -> None:
    for row, cells in sheet.rows:
        order = parse_whole(sheet, row, "order", cells["order"])
        start = period.check(sheet, row, "start_year", _fiscal(sheet, row, "start_year", cells["start_year"]))
        end = period.check(sheet, row, "end_year", _fiscal(sheet, row, "end_year", cells["end_year"]))
        name = _text(cells["name"])
        if not name:
            sheet.error(row, "name", _("Enter the name of the phase."))
        if None not in (order, start, end) and name:
            result.phases.append(
                {
                    "order": order,
                    "name": name,
                    "start_year": start,
                    "end_year": end,
                    "goal": _text(cells["goal"]),
                    "description": _text(cells["description"]),
                }
            )


def parse_whole(sheet: _Sheet, row: int, key: str, value: Any) -> int | None:
    try:
        number = parse_amount(value, "")
    except ValidationError as err:
        sheet.error(row, key, err.messages[0])
        return None
    if number != number.to_integral_value() or number < 0:
        sheet.error(row, key, _("Enter a whole number."))
        return None
    return int(number)


def _numbered(sheet: _Sheet, seen: dict, missing: str, twice: str) -> Iterator[tuple[int, dict, str]]:
    """(row, cells, number) of each row with a number not seen before in the sheet; the others are problems."""
    for row, cells in sheet.rows:
        number = nfkc(_text(cells["number"]))
        if not number:
            sheet.error(row, "number", missing)
        elif number in seen:
            sheet.error(row, "number", twice % {"number": number})
        else:
            yield row, cells, number


def _read_policies(sheet: _Sheet, known: _Known, result: PlanImport) -> None:
    rows = {}
    for row, cells, number in _numbered(
        sheet,
        result.policies,
        _("Enter the policy number (for example 1 or 3-1-1)."),
        _("Policy %(number)s appears twice in this sheet."),
    ):
        if not _text(cells["title"]):
            sheet.error(row, "title", _("Enter the policy's title."))
        rows[number] = row
        result.policies[number] = {
            "title": _text(cells["title"]),
            "description": _text(cells["description"]),
            "parent": nfkc(_text(cells["parent"])),
        }
    parents = {**known.plan_policies, **{n: v["parent"] for n, v in result.policies.items()}}
    for number, values in result.policies.items():
        parent = values["parent"]
        if parent and parent not in parents:
            sheet.error(
                rows[number],
                "parent",
                _("There is no policy %(number)s in the plan or in this sheet.") % {"number": parent},
            )
            continue
        chain, current = [number], parent
        while current and current not in chain:
            chain.append(current)
            current = parents.get(current, "")
        if current:
            sheet.error(
                rows[number],
                "parent",
                _(
                    "Policy %(number)s lies within itself through %(chain)s: correct the numbers of the policies above it."
                )
                % {"number": number, "chain": " → ".join(chain)},
            )
        elif len(chain) > MAX_POLICY_DEPTH:
            sheet.error(
                rows[number],
                "parent",
                _("Policies nest at most %(depth)s levels deep.") % {"depth": MAX_POLICY_DEPTH},
            )


def _read_measures(sheet: _Sheet, known: _Known, result: PlanImport) -> None:
    viewpoints = known.plan_viewpoints | {title for title, _d in result.viewpoints}
    partners = known.partners | {nfkc(name) for name in result.partners}
    policies = set(known.plan_policies) | set(result.policies)
    for row, cells, number in _numbered(
        sheet,
        result.measures,
        _("Enter the measure number (for example 3-1)."),
        _("Measure %(number)s appears twice in this sheet."),
    ):
        values: dict[str, Any] = {
            key: _text(cells[key]) for key in ("title", "purpose", "audience", "content", "goal")
        }
        if not values["title"]:
            sheet.error(row, "title", _("Enter the title of the measure."))
        values["owner"] = _department(sheet, row, "owner", _text(cells["owner"]), known)  # empty: not decided yet
        values["related_departments"] = [
            d for name in _split(cells["related"]) if (d := _department(sheet, row, "related", name, known))
        ]
        values["policy_number"] = nfkc(_text(cells["policy"]))
        if values["policy_number"] and values["policy_number"] not in policies:
            sheet.error(
                row,
                "policy",
                _("The plan has no policy %(number)s. Add it to the 方針 sheet or on the plan page.")
                % {"number": values["policy_number"]},
            )
        values["status"] = known.statuses.get(nfkc(_text(cells["status"])) or Measure.Status.NOT_STARTED)
        if values["status"] is None:
            sheet.error(
                row,
                "status",
                _("“%(value)s” is not a status. Use 未着手, 実施中, 完了, 遅延 or 中止.")
                % {"value": _text(cells["status"])},
            )
        budget = _budget(sheet, row, cells["budget"])
        values["budget_thousand_yen"] = budget
        values["funding"], values["funding_other"] = known.funding(sheet, row, "funding", _split(cells["funding"]))
        values["co_owners"] = [
            d for name in _split(cells["co_owners"]) if (d := _department(sheet, row, "co_owners", name, known))
        ]
        values["partner_names"] = _split(cells["partners"])
        for name in values["partner_names"]:
            if nfkc(name) not in partners:
                sheet.error(
                    row,
                    "partners",
                    _(
                        "“%(name)s” is not among the partners outside the town. Add it with its kind to the 町外の主体 sheet."
                    )
                    % {"name": name},
                )
        values["viewpoint_titles"] = []
        for title in _split(cells["viewpoints"]):
            if title in viewpoints:
                values["viewpoint_titles"].append(title)
            else:
                sheet.error(
                    row,
                    "viewpoints",
                    _("The plan has no viewpoint “%(title)s”. Add it to the 視点 sheet.") % {"title": title},
                )
        values["tags"] = _split(cells["tags"])
        result.measures[number] = {"row": row, **values}


def _department(sheet: _Sheet, row: int, key: str, name: str, known: _Known, *, required: bool = False):
    if not name:
        if required:
            sheet.error(row, key, _("Enter the department that owns this measure."))
        return None
    found = known.departments.get(nfkc(name))
    if found is None:
        sheet.error(
            row,
            key,
            _("There is no department “%(name)s”. Write a department name as registered in Banso.")
            % {"name": name},
        )
    return found


def _budget(sheet: _Sheet, row: int, value: Any, key: str = "budget") -> int | None:
    if is_blank(value):
        return None
    try:
        amount = parse_amount(value, "千円")
    except ValidationError:
        sheet.error(
            row,
            key,
            _("“%(value)s” is not a number. Enter digits only, without the unit.") % {"value": _text(value)},
        )
        return None
    if amount < 0:
        sheet.error(row, key, _("Enter zero or more."))
        return None
    return int(amount)


def _read_steps(sheet: _Sheet, period: _Period, known: _Known, result: PlanImport) -> None:
    for row, cells in sheet.rows:
        number = nfkc(_text(cells["number"]))
        if not known.measure_exists(number):
            sheet.error(row, "number", _unknown_measure(number))
            continue
        year = period.check(sheet, row, "year", _fiscal(sheet, row, "year", cells["year"]))
        text = _text(cells["text"])
        if not text:
            sheet.error(row, "text", _("Enter what the measure does in that year."))
        steps = result.steps.setdefault(number, {})
        if year is not None and year in steps:
            sheet.error(
                row,
                "year",
                _("%(number)s already has a step for %(year)s in this sheet.")
                % {"number": number, "year": FiscalYear(year)},
            )
        elif year is not None and text:
            steps[year] = text


def _read_budgets(sheet: _Sheet, period: _Period, known: _Known, result: PlanImport) -> None:
    for row, cells in sheet.rows:
        number = nfkc(_text(cells["number"]))
        if not known.measure_exists(number):
            sheet.error(row, "number", _unknown_measure(number))
            continue
        year = period.check(sheet, row, "year", _fiscal(sheet, row, "year", cells["year"]))
        budget, settled = (
            _budget(sheet, row, cells["budget"], "budget"),
            _budget(sheet, row, cells["settled"], "settled"),
        )
        funding, other = known.funding(sheet, row, "funding", _split(cells["funding"]))
        budgets = result.budgets.setdefault(number, {})
        if year is not None and year in budgets:
            sheet.error(
                row,
                "year",
                _("%(number)s already has a budget for %(year)s in this sheet.")
                % {"number": number, "year": FiscalYear(year)},
            )
        elif year is not None:
            budgets[year] = {"budget": budget, "settled": settled, "funding": funding, "funding_other": other}


def _unknown_measure(number: str) -> str:
    if not number:
        return _("Enter the measure number (for example 3-1).")
    return _(
        "There is no measure %(number)s in the plan or in the 施策 sheet. Check the number or add the measure first."
    ) % {"number": number}


def _read_kpis(sheet: _Sheet, period: _Period, known: _Known, result: PlanImport) -> None:
    for row, cells in sheet.rows:
        number = nfkc(_text(cells["number"]))
        if not known.measure_exists(number):
            sheet.error(row, "number", _unknown_measure(number))
            continue
        name = typed(_text(cells["name"]))
        if not name:
            sheet.error(row, "name", _("Enter the name of the KPI."))
            continue
        kpi = result.kpis.setdefault(number, {}).get(name) or _kpi_values(sheet, row, cells, known, number)
        result.kpis[number][name] = kpi
        year = period.check(
            sheet, row, "year", _fiscal(sheet, row, "year", cells["year"]), after=YEARS_AFTER_THE_PLAN
        )
        target = (
            _text(cells["target"]) if not isinstance(cells["target"], Decimal | int | float) else cells["target"]
        )
        if target in ("", None):
            sheet.error(row, "target", _("Enter the target."))
            continue
        if kpi["kind"] != KPI.Kind.MILESTONE:
            try:
                value = parse_amount(target, kpi["unit"] or ("%" if kpi["kind"] == KPI.Kind.SHARE else ""))
            except ValidationError as err:
                sheet.error(row, "target", err.messages[0])
                continue
            if kpi["kind"] == KPI.Kind.SHARE and not 0 <= value <= 100:
                sheet.error(
                    row,
                    "target",
                    _("A share is between 0 and 100%%: %(value)s cannot be one.")
                    % {"value": f"{value.normalize():f}"},
                )
                continue
        if year is None:
            continue
        if kpi["baseline_date"] and year < FiscalYear.of(kpi["baseline_date"]).year:
            sheet.error(
                row,
                "year",
                _("The target for %(year)s comes before the baseline (%(base)s).")
                % {"year": FiscalYear(year), "base": FiscalYear.of(kpi["baseline_date"])},
            )
        elif year in kpi["targets"]:
            sheet.error(
                row,
                "year",
                _("The KPI “%(name)s” already has a target for %(year)s.")
                % {"name": name, "year": FiscalYear(year)},
            )
        else:
            kpi["targets"][year] = target


def _kpi_values(sheet: _Sheet, row: int, cells: dict, known: _Known, number: str) -> dict:
    kind = layout.KINDS.get(nfkc(_text(cells["kind"])) or "数値")
    if kind is None:
        sheet.error(row, "kind", _("Write the kind as one of %(kinds)s.") % {"kinds": "・".join(layout.KINDS)})
        kind = KPI.Kind.NUMBER
    unit = nfkc(_text(cells["unit"]))
    if not unit and kind not in (KPI.Kind.MILESTONE, KPI.Kind.SHARE):
        sheet.error(row, "unit", _("Enter the unit of the KPI (for example %, 件, 人)."))
    direction = layout.DIRECTIONS.get(nfkc(_text(cells["direction"])) or "上げる")
    if direction is None:
        sheet.error(row, "direction", _("Write 上げる (higher is better) or 下げる (lower is better)."))
    baseline = None
    if not is_blank(cells["baseline"]):
        try:
            baseline = parse_amount(cells["baseline"], unit)
        except ValidationError as err:
            sheet.error(row, "baseline", err.messages[0])
    again = [nfkc(n) for n in _split(cells["again"])]
    for other in again:
        if other == number or not known.measure_exists(other):
            sheet.error(
                row,
                "again",
                _unknown_measure(other)
                if other != number
                else _("List it again only under other measures of this plan."),
            )
    return {
        "unit": unit,
        "kind": kind,
        "baseline_value": baseline,
        "baseline_date": _date(sheet, row, "baseline_date", cells["baseline_date"]),
        "direction": direction or KPI.Direction.UP,
        "data_source": _text(cells["source"]),
        "targets": {},
        "again": [n for n in again if n != number],
    }


def _read_grades(sheet: _Sheet, period: _Period, known: _Known, result: PlanImport) -> None:
    for row, cells in sheet.rows:
        number, name = nfkc(_text(cells["number"])), typed(_text(cells["name"]))
        if (number, name) not in known.plan_kpis and name not in result.kpis.get(number, {}):
            sheet.error(
                row,
                "name",
                _("Measure %(number)s has no KPI “%(name)s” in the plan or in the KPI sheet.")
                % {"number": number, "name": name},
            )
            continue
        year = period.check(sheet, row, "year", _fiscal(sheet, row, "year", cells["year"]))
        grade = nfkc(_text(cells["grade"]))
        grade = grade.upper() if grade.isascii() else grade
        if grade not in known.grades:
            sheet.error(
                row,
                "grade",
                _("“%(grade)s” is not on this plan's scale: use one of %(scale)s.")
                % {"grade": grade, "scale": "・".join(known.grades)},
            )
            continue
        if year is not None:
            result.grades.setdefault((number, name), {})[year] = {
                "grade": grade,
                "comment": _text(cells["comment"]),
                "continue_next": nfkc(_text(cells["continue"]))
                in (layout.CONTINUED, "○", "◯", "はい", "1", "継続"),
            }
