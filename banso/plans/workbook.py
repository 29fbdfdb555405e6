"""The plan as an Excel workbook, and reading measures, steps and KPIs back from that same layout.

Staff often draft measures in Excel with colleagues before a meeting. The
export has one sheet each for measures, steps and KPIs; the import checks every
row of every sheet first (sheet, row, column and a Japanese message for each
problem) and writes nothing unless the whole file is right, like the survey.
Measures are matched by number, KPIs by name within their measure; a measure's
steps in the file replace its steps; what the file does not mention stays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banso.core.fields import nfkc
from banso.core.fiscal import FiscalYear, FiscalYearError
from banso.core.uploads import Problem, column_letter, formula_cells, open_xlsx
from banso.core.xlsx import Table, xlsx_bytes
from banso.plans import services
from banso.plans.models import KPI, FundingScheme, Measure

MEASURE_SHEET, STEP_SHEET, KPI_SHEET = "施策", "ステップ", "KPI"
MEASURE_COLUMNS = [
    ("number", "施策番号", 10),
    ("title", "施策名", 30),
    ("policy", "方針番号", 10),
    ("owner", "担当部署", 16),
    ("related", "関係部署", 24),
    ("status", "状況", 10),
    ("budget", "予算（千円）", 12),
    ("funding", "財源", 30),
    ("purpose", "目的", 40),
    ("audience", "対象者", 16),
    ("content", "内容", 50),
    ("goal", "ゴール", 30),
]
STEP_COLUMNS = [("number", "施策番号", 10), ("year", "年度", 10), ("text", "内容", 60)]
KPI_COLUMNS = [
    ("number", "施策番号", 10),
    ("name", "KPI名", 34),
    ("unit", "単位", 8),
    ("baseline", "現状値", 10),
    ("baseline_date", "現状値の時点", 14),
    ("direction", "方向", 10),
    ("source", "出典", 20),
    ("year", "目標年度", 10),
    ("target", "目標値", 10),
]
DIRECTIONS = {"上げる": KPI.Direction.UP, "下げる": KPI.Direction.DOWN}
LIST_SEPARATORS = ("、", ",", "\n", "，")


def _table(title, columns, rows) -> Table:
    return Table(title, [c[1] for c in columns], rows, [c[2] for c in columns])


def export_workbook(snapshot: dict) -> bytes:
    status_labels = dict(Measure.Status.choices)
    direction_labels = {v: k for k, v in DIRECTIONS.items()}
    measures = snapshot["measures"]
    guide = Table(
        "説明",
        ["項目", "内容"],
        [
            ["計画", snapshot["plan"]["title"]],
            ["団体", f"{snapshot['municipality']['code']} {snapshot['municipality']['name']}"],
            [
                "計画期間",
                f"{FiscalYear(snapshot['plan']['start_year'])}〜{FiscalYear(snapshot['plan']['end_year'])}",
            ],
            ["使い方", "施策・ステップ・KPI のシートを編集して取り込むと、施策番号で照合して更新します。"],
            ["年度の書き方", "R7、令和7年度、2025 のいずれでも構いません。"],
            ["区切り", "関係部署と財源は「、」で区切って複数書けます。"],
            ["方向", "上げる（高いほど良い）／下げる（低いほど良い）"],
        ],
        [16, 80],
    )
    return xlsx_bytes(
        [
            guide,
            _table(
                MEASURE_SHEET,
                MEASURE_COLUMNS,
                [
                    [
                        m["number"],
                        m["title"],
                        m["policy"],
                        m["owner"],
                        "、".join(m["related"]),
                        str(status_labels[m["status"]]).split("（")[-1].rstrip("）"),
                        m["budget_thousand_yen"],
                        "、".join(m["funding"]),
                        m["purpose"],
                        m["audience"],
                        m["content"],
                        m["goal"],
                    ]
                    for m in measures
                ],
            ),
            _table(
                STEP_SHEET,
                STEP_COLUMNS,
                [
                    [m["number"], FiscalYear(int(y)).short_label, t]
                    for m in measures
                    for y, t in sorted(m["steps"].items())
                ],
            ),
            _table(
                KPI_SHEET,
                KPI_COLUMNS,
                [
                    [
                        m["number"],
                        k["name"],
                        k["unit"],
                        Decimal(k["baseline_value"]) if k["baseline_value"] else None,
                        k["baseline_date"],
                        direction_labels[k["direction"]],
                        k["data_source"],
                        FiscalYear(int(y)).short_label,
                        v if k.get("kind") == "milestone" else Decimal(v),
                    ]
                    for m in measures
                    for k in m["kpis"]
                    for y, v in sorted(k["targets"].items())
                ],
            ),
        ]
    )


# -- reading -----------------------------------------------------------------------------


@dataclass
class PlanImport:
    problems: list[Problem] = field(default_factory=list)
    measures: dict[str, dict] = field(default_factory=dict)  # number -> values
    steps: dict[str, dict[int, str]] = field(default_factory=dict)  # number -> {year: text}
    kpis: dict[str, dict[str, dict]] = field(default_factory=dict)  # number -> name -> values
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


class _Sheet:
    """Rows of one sheet as {key: cell}, with the helpers that place a problem."""

    def __init__(self, workbook, info, name, columns, result: PlanImport):
        self.name, self.result, self.columns = name, result, columns
        self.labels = {key: header for key, header, _w in columns}
        self.rows: list[tuple[int, dict]] = []
        self.index: dict[str, int] = {}
        if name not in workbook.sheet_names:
            result.problems.append(
                Problem(
                    _("The sheet “%(sheet)s” is missing. Export the plan again to get the layout.")
                    % {"sheet": name},
                    sheet=name,
                )
            )
            return
        cells = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        headers = [nfkc(str(c or "")) for c in (cells[0] if cells else [])]
        self.index = {key: headers.index(nfkc(header)) for key, header, _w in columns if nfkc(header) in headers}
        missing = [header for key, header, _w in columns if key not in self.index]
        if missing:
            result.problems.append(
                Problem(
                    _(
                        "These columns are missing: %(columns)s. Put the headers back (export the plan to see them) and import again."
                    )
                    % {"columns": "、".join(missing)},
                    sheet=name,
                    row=1,
                )
            )
            return
        formulas = formula_cells(info, name)
        for offset, row in enumerate(cells[1:], start=2):
            values = {key: row[i] if i < len(row) else None for key, i in self.index.items()}
            if all(v in (None, "") for v in values.values()):
                continue
            for key, i in self.index.items():
                if (offset - 1, i) in formulas:
                    self.error(offset, key, _("This cell holds a formula. Enter the value itself."))
            self.rows.append((offset, values))

    def where(self, key) -> str:
        return f"{column_letter(self.index.get(key, 0))}（{self.labels[key]}）"

    def error(self, row: int, key: str, message: str) -> None:
        self.result.problems.append(
            Problem(message, sheet=self.name, row=row, column=self.where(key), field=self.labels[key])
        )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(sheet: _Sheet, row: int, key: str, value, *, required=False) -> Decimal | None:
    text = nfkc(_text(value)).replace(",", "")
    if not text:
        if required:
            sheet.error(row, key, _("Enter a number."))
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        sheet.error(
            row, key, _("“%(value)s” is not a number. Enter digits only, without the unit.") % {"value": text}
        )
        return None
    if number < 0:
        sheet.error(row, key, _("Enter zero or more."))
        return None
    return number


def _year(sheet: _Sheet, row: int, key: str, value, plan) -> int | None:
    text = _text(value)
    if not text:
        sheet.error(row, key, _("Enter the fiscal year (for example R7 or 2025)."))
        return None
    try:
        year = FiscalYear.parse(text).year
    except FiscalYearError as err:
        sheet.error(row, key, str(err))
        return None
    if not plan.start_year <= year <= plan.end_year:
        sheet.error(
            row,
            key,
            _("%(year)s is outside the plan period (%(start)s to %(end)s).")
            % {"year": FiscalYear(year), "start": FiscalYear(plan.start_year), "end": FiscalYear(plan.end_year)},
        )
        return None
    return year


def _date(sheet: _Sheet, row: int, key: str, value) -> dt.date | None:
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


def _split(value) -> list[str]:
    text = _text(value)
    for sep in LIST_SEPARATORS[1:]:
        text = text.replace(sep, LIST_SEPARATORS[0])
    return [nfkc(part) for part in text.split(LIST_SEPARATORS[0]) if part.strip()]


def read_plan_workbook(path, plan, *, original_name="") -> PlanImport:
    """Check every row of the file against the plan; raise UploadError if the file cannot be opened."""
    info, workbook = open_xlsx(path, original_name=original_name)
    result = PlanImport()
    sheets = [
        _Sheet(workbook, info, name, columns, result)
        for name, columns in (
            (MEASURE_SHEET, MEASURE_COLUMNS),
            (STEP_SHEET, STEP_COLUMNS),
            (KPI_SHEET, KPI_COLUMNS),
        )
    ]
    if result.errors:
        return result
    lookups = _Lookups(plan)
    _read_measures(sheets[0], plan, lookups, result)
    known = set(lookups.measures) | set(result.measures)
    _read_steps(sheets[1], plan, known, result)
    _read_kpis(sheets[2], plan, known, result)
    result.counts = {
        "measures": len(result.measures),
        "steps": sum(len(s) for s in result.steps.values()),
        "kpis": sum(len(k) for k in result.kpis.values()),
    }
    if not (result.measures or result.steps or result.kpis) and not result.errors:
        result.problems.append(Problem(_("The file has no measures, steps or KPIs to import.")))
    return result


class _Lookups:
    def __init__(self, plan):
        self.measures = {m.number: m for m in plan.measures.all()}
        self.departments = {nfkc(d.name): d for d in plan.municipality.departments.all()}
        self.policies = {p.number: p for p in plan.policies.all()}
        self.funding = {nfkc(f.name): f for f in FundingScheme.objects.all()}
        self.statuses = {}
        for value, label in Measure.Status.choices:
            self.statuses[str(label).split("（")[-1].rstrip("）")] = value
            self.statuses[str(label)] = value
            self.statuses[value] = value


def _read_measures(sheet: _Sheet, plan, lookups: _Lookups, result: PlanImport) -> None:
    for row, cells in sheet.rows:
        number = nfkc(_text(cells["number"]))
        if not number:
            sheet.error(row, "number", _("Enter the measure number (for example 3-1)."))
            continue
        if number in result.measures:
            sheet.error(row, "number", _("Measure %(number)s appears twice in this sheet.") % {"number": number})
            continue
        values: dict[str, Any] = {
            "title": _text(cells["title"]),
            "purpose": _text(cells["purpose"]),
            "audience": _text(cells["audience"]),
        }
        values.update(content=_text(cells["content"]), goal=_text(cells["goal"]))
        if not values["title"]:
            sheet.error(row, "title", _("Enter the title of the measure."))
        owner = lookups.departments.get(nfkc(_text(cells["owner"])))
        if owner is None:
            sheet.error(
                row,
                "owner",
                _("There is no department “%(name)s”. Write a department name as registered in Banso.")
                % {"name": _text(cells["owner"])}
                if _text(cells["owner"])
                else _("Enter the department that owns this measure."),
            )
        values["owner"] = owner
        values["related_departments"] = []
        for name in _split(cells["related"]):
            if name in lookups.departments:
                values["related_departments"].append(lookups.departments[name])
            else:
                sheet.error(
                    row,
                    "related",
                    _("There is no department “%(name)s”. Write a department name as registered in Banso.")
                    % {"name": name},
                )
        policy = nfkc(_text(cells["policy"]))
        values["policy"] = lookups.policies.get(policy) if policy else None
        if policy and values["policy"] is None:
            sheet.error(
                row,
                "policy",
                _("The plan has no policy %(number)s. Add it on the plan page first.") % {"number": policy},
            )
        status = nfkc(_text(cells["status"])) or Measure.Status.NOT_STARTED
        values["status"] = lookups.statuses.get(status)
        if values["status"] is None:
            sheet.error(
                row,
                "status",
                _("“%(value)s” is not a status. Use 未着手, 実施中, 完了, 遅延 or 中止.") % {"value": status},
            )
        budget = _number(sheet, row, "budget", cells["budget"])
        values["budget_thousand_yen"] = int(budget) if budget is not None else None
        values["funding"] = []
        for name in _split(cells["funding"]):
            if name in lookups.funding:
                values["funding"].append(lookups.funding[name])
            else:
                sheet.error(
                    row,
                    "funding",
                    _("“%(name)s” is not a known funding scheme. Use a name from the list of funding schemes.")
                    % {"name": name},
                )
        result.measures[number] = {"row": row, **values}


def _read_steps(sheet: _Sheet, plan, known: set[str], result: PlanImport) -> None:
    for row, cells in sheet.rows:
        number = nfkc(_text(cells["number"]))
        if number not in known:
            sheet.error(row, "number", _unknown_measure(number))
            continue
        year = _year(sheet, row, "year", cells["year"], plan)
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


def _unknown_measure(number: str) -> str:
    if not number:
        return _("Enter the measure number (for example 3-1).")
    return _(
        "There is no measure %(number)s in the plan or in the 施策 sheet. Check the number or add the measure first."
    ) % {"number": number}


def _read_kpis(sheet: _Sheet, plan, known: set[str], result: PlanImport) -> None:
    for row, cells in sheet.rows:
        number = nfkc(_text(cells["number"]))
        if number not in known:
            sheet.error(row, "number", _unknown_measure(number))
            continue
        name, unit = nfkc(_text(cells["name"])), nfkc(_text(cells["unit"]))
        if not name:
            sheet.error(row, "name", _("Enter the name of the KPI."))
            continue
        if not unit:
            sheet.error(row, "unit", _("Enter the unit of the KPI (for example %, 件, 人)."))
        direction = DIRECTIONS.get(nfkc(_text(cells["direction"])) or "上げる")
        if direction is None:
            sheet.error(row, "direction", _("Write 上げる (higher is better) or 下げる (lower is better)."))
        baseline_date = _date(sheet, row, "baseline_date", cells["baseline_date"])
        year = _year(sheet, row, "year", cells["year"], plan)
        target = _number(sheet, row, "target", cells["target"], required=True)
        if year is not None and baseline_date and year < FiscalYear.of(baseline_date).year:
            sheet.error(
                row,
                "year",
                _("The target for %(year)s comes before the baseline (%(base)s).")
                % {"year": FiscalYear(year), "base": FiscalYear.of(baseline_date)},
            )
            year = None
        kpi = result.kpis.setdefault(number, {}).setdefault(
            name,
            {
                "unit": unit,
                "baseline_value": _number(sheet, row, "baseline", cells["baseline"]),
                "baseline_date": baseline_date,
                "direction": direction or KPI.Direction.UP,
                "data_source": _text(cells["source"]),
                "targets": {},
            },
        )
        if year is not None and target is not None:
            if year in kpi["targets"]:
                sheet.error(
                    row,
                    "year",
                    _("The KPI “%(name)s” already has a target for %(year)s.")
                    % {"name": name, "year": FiscalYear(year)},
                )
            kpi["targets"][year] = target


# -- writing -----------------------------------------------------------------------------


@transaction.atomic
def apply_plan_import(plan, result: PlanImport) -> dict[str, int]:
    """Write what read_plan_workbook() accepted, all or nothing."""
    if result.errors:
        raise ValidationError(_("The file has problems; nothing was imported."))
    measures = {m.number: m for m in plan.measures.prefetch_related("challenges", "survey_tasks")}
    for number, values in result.measures.items():
        values = {k: v for k, v in values.items() if k != "row"}
        existing = measures.get(number)
        links: dict[str, Any] = {}
        if existing is not None:
            links = {
                "challenges": list(existing.challenges.all()),
                "survey_tasks": list(existing.survey_tasks.all()),
            }
        measures[number] = services.measure_save(plan=plan, measure=existing, number=number, **links, **values)
    for number, steps in result.steps.items():
        services.measure_steps_replace(measure=measures[number], steps=steps)
    for number, kpis in result.kpis.items():
        existing = {k.name: k for k in measures[number].kpis.all()}
        for name, values in kpis.items():
            services.kpi_save(measure=measures[number], kpi=existing.get(name), name=name, **values)
    return result.counts
