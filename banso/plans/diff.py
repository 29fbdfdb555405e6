"""A readable comparison of two editions of a plan, section by section, as a council clerk reads a 新旧対照表.

Both sides are snapshots (selectors.plan_snapshot). Parts are matched by what
people call them — measures by number, KPIs by name, steps by 年度, phases by
order — and long texts are compared character by character, since Japanese has
no spaces to split words on.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core.fiscal import FiscalYear


@dataclass
class Change:
    label: str
    kind: str  # "added", "removed" or "changed"
    before: str = ""
    after: str = ""

    def segments(self) -> list[tuple[str, str]]:
        """(op, text) pieces of the new text with what was removed and inserted: op is "", "del" or "ins"."""
        matcher = difflib.SequenceMatcher(None, self.before, self.after, autojunk=False)
        pieces = []
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                pieces.append(("", self.before[a1:a2]))
                continue
            if a2 > a1:
                pieces.append(("del", self.before[a1:a2]))
            if b2 > b1:
                pieces.append(("ins", self.after[b1:b2]))
        return pieces


@dataclass
class Section:
    title: str
    changes: list[Change] = field(default_factory=list)


def _text(value) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{FiscalYear(int(k)).short_label} {v}" for k, v in sorted(value.items()))
    return "" if value is None else str(value)


def _fields(section: Section, prefix: str, old: dict, new: dict, labels: dict) -> None:
    for key, label in labels.items():
        before, after = _text(old.get(key)), _text(new.get(key))
        if before != after:
            section.changes.append(Change(f"{prefix}{label}", "changed", before, after))


def _keyed(section, old_items, new_items, key, describe, compare) -> None:
    old_by, new_by = {str(i[key]): i for i in old_items}, {str(i[key]): i for i in new_items}
    for k, item in new_by.items():
        if k not in old_by:
            section.changes.append(Change(describe(item), "added", "", _summary(item)))
        else:
            compare(old_by[k], item)
    for k, item in old_by.items():
        if k not in new_by:
            section.changes.append(Change(describe(item), "removed", _summary(item), ""))


def _summary(item: dict) -> str:
    return "／".join(_text(v) for k, v in item.items() if v and k not in ("kpis", "steps", "order"))


def diff_snapshots(old: dict, new: dict) -> list[Section]:
    """Sections with at least one change, in the order of the document."""
    plan = Section(_("Plan"))
    _fields(
        plan,
        "",
        old["plan"],
        new["plan"],
        {
            "title": _("title"),
            "concept": _("concept"),
            "vision": _("vision"),
            "background": _("background and challenges"),
            "start_year": _("first fiscal year"),
            "end_year": _("last fiscal year"),
        },
    )
    phases = Section(_("Phases"))
    phase_labels = {
        "name": _("name"),
        "goal": _("goal"),
        "description": _("description"),
        "start_year": _("first fiscal year"),
        "end_year": _("last fiscal year"),
    }
    _keyed(
        phases,
        old["phases"],
        new["phases"],
        "order",
        lambda p: _("Phase %(order)s") % {"order": p["order"]},
        lambda a, b: _fields(phases, _("Phase %(order)s: ") % {"order": b["order"]}, a, b, phase_labels),
    )
    policies = Section(_("Policies"))
    _keyed(
        policies,
        old["policies"],
        new["policies"],
        "number",
        lambda p: f"{p['number']} {p['title']}",
        lambda a, b: _fields(
            policies, f"{b['number']} ", a, b, {"title": _("title"), "description": _("description")}
        ),
    )
    measures = Section(_("Measures"))
    _keyed(
        measures,
        old["measures"],
        new["measures"],
        "number",
        lambda m: f"{m['number']} {m['title']}",
        lambda a, b: _measure(measures, a, b),
    )
    return [s for s in (plan, phases, policies, measures) if s.changes]


MEASURE_LABELS = {
    "title": gettext_lazy("title"),
    "policy": gettext_lazy("policy"),
    "purpose": gettext_lazy("purpose"),
    "audience": gettext_lazy("target audience"),
    "content": gettext_lazy("content"),
    "goal": gettext_lazy("goal"),
    "owner": gettext_lazy("owner department"),
    "related": gettext_lazy("related departments"),
    "status": gettext_lazy("status"),
    "budget_thousand_yen": gettext_lazy("budget (thousand yen)"),
    "funding": gettext_lazy("funding"),
    "challenges": gettext_lazy("challenges"),
    "survey_tasks": gettext_lazy("survey tasks"),
    "steps": gettext_lazy("steps"),
    "tags": gettext_lazy("tags"),
}


def _measure(section: Section, old: dict, new: dict) -> None:
    prefix = f"{new['number']} "
    _fields(section, prefix, old, new, {k: str(v) for k, v in MEASURE_LABELS.items()})
    kpi_labels = {
        "unit": _("unit"),
        "baseline_value": _("baseline"),
        "baseline_date": _("baseline date"),
        "direction": _("direction"),
        "data_source": _("data source"),
        "targets": _("targets"),
    }
    _keyed(
        section,
        old.get("kpis", []),
        new.get("kpis", []),
        "name",
        lambda k: f"{prefix}KPI「{k['name']}」",
        lambda a, b: _fields(section, f"{prefix}KPI「{b['name']}」 ", a, b, kpi_labels),
    )
