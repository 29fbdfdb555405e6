"""The whole plan as an Excel workbook, and writing a checked workbook into a plan (the same one, or a new plan
of any municipality).

Staff draft plans in Excel with colleagues, and a town that adopts Banso brings its plan in from Excel. The
layout is `plans.layout`; reading and checking every row is `plans.workbook_reader`, which writes nothing: only
`apply_plan_import` writes, all or nothing, through the services. Measures are matched by number, 方針 by
number, KPIs by name within their measure; a measure's steps and a KPI's targets in the file replace those in
the plan; what the file does not mention stays.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banso.core.fiscal import FiscalYear
from banso.core.xlsx import Table, xlsx_bytes
from banso.plans import layout, services
from banso.plans.layout import SheetLayout
from banso.plans.models import KPI, AlignmentItem, Plan
from banso.plans.workbook_reader import PlanImport, read_plan_workbook

__all__ = ["PlanImport", "apply_plan_import", "export_workbook", "read_plan_workbook"]


def _table(sheet: SheetLayout, rows: list[list[Any]]) -> Table:
    return Table(sheet.name, [c.header for c in sheet.columns], rows, [c.width for c in sheet.columns])


def _short(year: Any) -> str:
    return FiscalYear(int(year)).short_label


def export_workbook(snapshot: dict) -> bytes:
    plan, measures = snapshot["plan"], snapshot["measures"]
    kind_names = {str(kind): name for name, kind in layout.PARTNER_KINDS.items()}
    guide = Table(
        "説明",
        ["項目", "内容"],
        [
            ["計画", plan["title"]],
            ["団体", f"{snapshot['municipality']['code']} {snapshot['municipality']['name']}"],
            ["計画期間", f"{FiscalYear(plan['start_year'])}〜{FiscalYear(plan['end_year'])}"],
            [
                "使い方",
                "各シートを編集して取り込むと、方針・施策は番号で、KPI は施策番号と名前で照合して更新します。",
            ],
            [
                "別の団体へ",
                "計画の取り込み画面または banso plan import で、別の団体の新しい計画として取り込めます。",
            ],
            ["年度の書き方", "R7、令和7年度、2025 のいずれでも構いません。"],
            ["区切り", "関係部署・財源・視点・再掲する施策は「、」で区切って複数書けます。"],
            ["方向", "上げる（高いほど良い）／下げる（低いほど良い）"],
            ["KPI の種類", "／".join(layout.KINDS)],
            ["町外の主体の種類", "／".join(layout.PARTNER_KINDS)],
            [
                "目標値",
                "85%、4箇所（累計）、1,000人/年 のように書いたままで構いません。達成目標は言葉で書きます。",
            ],
        ],
        [16, 80],
    )
    return xlsx_bytes(
        [
            guide,
            _table(layout.PLAN, _plan_rows(plan)),
            _table(
                layout.VIEWPOINTS,
                [[i, v["title"], v["description"]] for i, v in enumerate(snapshot.get("viewpoints", []), start=1)],
            ),
            _table(
                layout.PHASES,
                [
                    [
                        p["order"],
                        p["name"],
                        _short(p["start_year"]),
                        _short(p["end_year"]),
                        p["goal"],
                        p["description"],
                    ]
                    for p in snapshot["phases"]
                ],
            ),
            _table(
                layout.POLICIES,
                [[p["number"], p.get("parent", ""), p["title"], p["description"]] for p in snapshot["policies"]],
            ),
            _table(
                layout.PARTNERS,
                [[p["name"], kind_names[p["kind"]]] for p in snapshot.get("partners", [])]
                # A version kept before partners had kinds names them on its measures only.
                or [
                    [name, kind_names["other"]]
                    for name in sorted({n for m in measures for n in m.get("partners", [])})
                ],
            ),
            _table(layout.MEASURES, [_measure_row(m) for m in measures]),
            _table(
                layout.STEPS,
                [[m["number"], _short(y), t] for m in measures for y, t in sorted(m["steps"].items())],
            ),
            _table(
                layout.BUDGETS,
                [
                    [
                        m["number"],
                        _short(y),
                        b["budget"],
                        b["settled"],
                        "、".join(b["funding"] + ([b["funding_other"]] if b["funding_other"] else [])),
                    ]
                    for m in measures
                    for y, b in sorted(m.get("budgets", {}).items())
                ],
            ),
            _table(layout.KPIS, [row for m in measures for k in m["kpis"] for row in _kpi_rows(m, k)]),
            _table(
                layout.GRADES,
                [
                    [
                        m["number"],
                        k["name"],
                        _short(y),
                        a["grade"],
                        a["comment"],
                        layout.CONTINUED if a["continue_next"] else "",
                    ]
                    for m in measures
                    for k in m["kpis"]
                    for y, a in sorted(k.get("assessments", {}).items())
                ],
            ),
        ]
    )


def _plan_rows(plan: dict) -> list[list[Any]]:
    values = {
        **plan,
        "start_year": _short(plan["start_year"]),
        "end_year": _short(plan["end_year"]),
    }
    return [[label, values.get(key, "")] for key, label in layout.PLAN_ITEMS.items()]


def _measure_row(m: dict) -> list[Any]:
    return [
        m["number"],
        m["title"],
        m["policy"],
        m["owner"],
        "、".join(m["related"]),
        layout.status_name(m["status"]),
        m["budget_thousand_yen"],
        "、".join(m["funding"] + ([m["funding_other"]] if m.get("funding_other") else [])),
        m["purpose"],
        m["audience"],
        m["content"],
        m["goal"],
        "、".join(m.get("viewpoints", [])),
        "、".join(m.get("tags", [])),
        "、".join(m.get("co_owners", [])),
        "、".join(m.get("partners", [])),
    ]


def _kpi_rows(m: dict, k: dict) -> list[list[Any]]:
    written = k.get("written", {})
    kind = k.get("kind", KPI.Kind.NUMBER)
    rows = []
    for year, value in sorted(k["targets"].items()):
        target = written.get(year) or (value if kind == KPI.Kind.MILESTONE else Decimal(value))
        rows.append(
            [
                m["number"],
                k["name"],
                k["unit"],
                Decimal(k["baseline_value"]) if k["baseline_value"] else None,
                k["baseline_date"],
                layout.DIRECTION_NAMES[k["direction"]],
                k["data_source"],
                _short(year),
                target,
                layout.KIND_NAMES[kind],
                "、".join(k.get("listed_again_under", [])),
            ]
        )
    return rows


# -- writing -----------------------------------------------------------------------------


@transaction.atomic
def apply_plan_import(
    result: PlanImport, *, plan: Plan | None = None, municipality=None
) -> tuple[Plan, dict[str, int]]:
    """Write what read_plan_workbook() accepted, all or nothing: into `plan`, or as a new plan of `municipality`
    from the file's 計画 sheet. Returns the plan and what was written."""
    if result.errors:
        raise ValidationError(_("The file has problems; nothing was imported."))
    plan = _header(result, plan, municipality)
    for order, (title, description) in enumerate(result.viewpoints, start=1):
        existing = plan.viewpoints.filter(title=title).first()
        services.viewpoint_save(plan=plan, viewpoint=existing, title=title, description=description, order=order)
    for values in result.phases:
        services.phase_save(plan=plan, phase=plan.phases.filter(order=values["order"]).first(), **values)
    _policies(plan, result)
    measures = _measures(plan, result)
    services.plan_steps_replace(steps={measures[number]: steps for number, steps in result.steps.items()})
    services.plan_budgets_replace(
        budgets={measures[number]: budgets for number, budgets in result.budgets.items()}
    )
    kpis = _kpis(plan, result, measures)
    services.assessments_save(plan=plan, grades={kpis[key]: grades for key, grades in result.grades.items()})
    _tags(plan, result, measures)
    return plan, result.counts


def _header(result: PlanImport, plan: Plan | None, municipality) -> Plan:
    if not result.header:
        if plan is None:  # the reader asks for the 計画 sheet when there is no plan to write into
            raise ValidationError(_("The file has no 計画 sheet to make a new plan from."))
        return plan
    values = dict(result.header)
    return services.plan_save(municipality=plan.municipality if plan else municipality, plan=plan, **values)


def _policies(plan: Plan, result: PlanImport) -> None:
    """Each 方針 saved once, under its parent: parents first, as the file may list a child before it (the reader
    has refused a cycle, so the order exists)."""
    saved = {p.number: p for p in plan.policies.select_related("parent")}
    for number in _parents_first(result.policies):
        values = result.policies[number]
        parent = saved.get(values["parent"]) if values["parent"] else None
        saved[number] = services.policy_save(
            plan=plan,
            policy=saved.get(number),
            number=number,
            title=values["title"],
            description=values["description"],
            parent=parent,
        )


def _parents_first(policies: dict[str, dict]) -> list[str]:
    ordered: dict[str, None] = {}  # a dict keeps the order and answers `in` at once

    def place(number: str) -> None:
        if number in ordered:
            return
        parent = policies[number]["parent"]
        if parent in policies:
            place(parent)
        ordered[number] = None

    for number in policies:
        place(number)
    return list(ordered)


def _measures(plan: Plan, result: PlanImport) -> dict[str, Any]:
    services.partners_save(result.partners)
    linked = (
        "challenges",
        "survey_tasks",
        "related_departments",
        "funding",
        "viewpoints",
        "co_owners",
        "partners",
    )
    measures = {m.number: m for m in plan.measures.prefetch_related(*linked)}
    for measure in measures.values():
        measure.plan = plan  # what the services and the history read of each measure, without a query apiece
    policies = {p.number: p for p in plan.policies.all()}
    viewpoints = {v.title: v for v in plan.viewpoints.all()}
    for number, values in result.measures.items():
        values = {k: v for k, v in values.items() if k not in ("row", "tags")}
        values["policy"] = policies.get(values.pop("policy_number")) if values.get("policy_number") else None
        values["viewpoints"] = [viewpoints[t] for t in values.pop("viewpoint_titles")]
        existing = measures.get(number)
        links: dict[str, Any] = {}
        if existing is not None:
            links = {
                "challenges": list(existing.challenges.all()),
                "survey_tasks": list(existing.survey_tasks.all()),
            }
        measures[number] = services.measure_save(plan=plan, measure=existing, number=number, **links, **values)
    return measures


def _kpis(plan: Plan, result: PlanImport, measures: dict[str, Any]) -> dict[tuple[str, str], KPI]:
    """The file's KPIs: a KPI the plan has is updated, the new ones are created together."""
    by_pk = {m.pk: m for m in measures.values()}
    saved: dict[tuple[str, str], KPI] = {}
    for kpi in KPI.objects.filter(measure__plan=plan).prefetch_related("targets", "listed_again_under"):
        kpi.measure = by_pk[kpi.measure_id]  # what the services and the history read, without a query apiece
        saved[(kpi.measure.number, kpi.name)] = kpi
    new: list[tuple[tuple[str, str], dict]] = []
    for number, kpis in result.kpis.items():
        for name, values in kpis.items():
            values = {**values, "listed_again_under": [measures[n] for n in values.get("again", [])]}
            values.pop("again", None)
            existing = saved.get((number, name))
            if existing is None:
                new.append(((number, name), {"measure": measures[number], "name": name, **values}))
            else:
                saved[(number, name)] = services.kpi_save(
                    measure=measures[number], kpi=existing, name=name, **values
                )
    made = services.kpis_create(kpis=[spec for _key, spec in new])
    saved.update({key: kpi for (key, _spec), kpi in zip(new, made, strict=True)})
    return saved


def _tags(plan: Plan, result: PlanImport, measures: dict[str, Any]) -> None:
    items = {i.name: i for i in AlignmentItem.objects.filter(framework__is_current=True)}
    goals = {str(g): g for g in plan.municipality.plan_goals.all()}
    chosen = {
        measures[number]: [
            items.get(name) or goals[name] for name in values.get("tags", []) if name in items or name in goals
        ]
        for number, values in result.measures.items()
    }
    services.tags_add(chosen={m: targets for m, targets in chosen.items() if targets}, user=None)
