"""A 新旧対照表: two editions of a plan compared as a council clerk reads them, section by section and field by
field, with the old text on the left and the new on the right.

Both sides are snapshots (selectors.plan_snapshot). Parts are matched by what people call them — measures by
number, KPIs by name, steps and targets by 年度, phases by order. Values are shown as people read them (status
and direction by their label, years in 令和, budgets in 千円); prose is compared character by character, since
Japanese has no spaces to split words on, while a short value that changed is shown whole on both sides.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core.documents import Document, Heading, Paragraph, Table
from banso.core.fiscal import FiscalYear

Segments = list[tuple[str, str]]

# Words put together with values below: named here so the catalogue extraction finds them.
WORD_STEP = gettext_lazy("step")
WORD_TARGETS = gettext_lazy("targets")
WORD_BUDGET = gettext_lazy("budget")
WORD_SETTLED = gettext_lazy("settled")
WORD_FUNDING = gettext_lazy("funding")
WORD_CONTINUED_IN_THE_NEXT_PLAN = gettext_lazy("continued in the next plan")
WORD_TARGET = gettext_lazy("target")
WORD_SELF_ASSESSMENT = gettext_lazy("self-assessment")


@dataclass
class Change:
    label: str
    kind: str  # "added", "removed" or "changed"
    before: str = ""
    after: str = ""
    prose: bool = False  # long text: the changed characters are marked, not the whole value

    def _opcodes(self) -> list[Any]:
        return difflib.SequenceMatcher(None, self.before, self.after, autojunk=False).get_opcodes()

    def old_segments(self) -> Segments:
        """The old text in pieces: ("del", text) for what the new edition no longer has."""
        if not self.prose:
            return [("del", self.before)] if self.before else []
        return [
            ("" if op == "equal" else "del", self.before[a1:a2])
            for op, a1, a2, _b1, _b2 in self._opcodes()
            if a2 > a1
        ]

    def new_segments(self) -> Segments:
        """The new text in pieces: ("ins", text) for what it adds."""
        if not self.prose:
            return [("ins", self.after)] if self.after else []
        return [
            ("" if op == "equal" else "ins", self.after[b1:b2])
            for op, _a1, _a2, b1, b2 in self._opcodes()
            if b2 > b1
        ]


@dataclass
class Section:
    title: str
    changes: list[Change] = field(default_factory=list)


# -- how each value reads -------------------------------------------------------------------------------------


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def _year(value: Any) -> str:
    return FiscalYear(int(value)).era_label if value not in (None, "") else ""


def _thousand_yen(value: Any) -> str:
    return _("%(amount)s thousand yen") % {"amount": f"{int(value):,}"} if value not in (None, "") else ""


def _choice(choices: type) -> Callable[[Any], str]:
    """A stored code by its label (in_progress → 実施中); a code no longer known stays as it was."""

    def label(value: Any) -> str:
        try:
            return str(choices(value).label)
        except ValueError:
            return _plain(value)

    return label


@dataclass(frozen=True)
class Field:
    key: str
    label: Any  # a lazy message
    show: Callable[[Any], str] = _plain
    prose: bool = False


def _measure_fields() -> list[Field]:
    from banso.plans.models import Measure

    return [
        Field("title", gettext_lazy("title"), prose=True),
        Field("policy", gettext_lazy("policy")),
        Field("purpose", gettext_lazy("purpose"), prose=True),
        Field("audience", gettext_lazy("target audience"), prose=True),
        Field("content", gettext_lazy("content"), prose=True),
        Field("goal", gettext_lazy("goal"), prose=True),
        Field("owner", gettext_lazy("owner department")),
        Field("co_owners", gettext_lazy("co-owning departments")),
        Field("partners", gettext_lazy("partners outside the town")),
        Field("related", gettext_lazy("related departments")),
        Field("status", gettext_lazy("status"), _choice(Measure.Status)),
        Field("budget_thousand_yen", gettext_lazy("budget"), _thousand_yen),
        Field("funding", gettext_lazy("funding")),
        Field("funding_other", gettext_lazy("other funding (as written)")),
        Field("viewpoints", gettext_lazy("cross-cutting viewpoints")),
        Field("challenges", gettext_lazy("challenges")),
        Field("survey_tasks", gettext_lazy("survey tasks")),
        Field("tags", gettext_lazy("tags")),
    ]


def _kpi_fields() -> list[Field]:
    from banso.plans.models import KPI

    return [
        Field("kind", gettext_lazy("kind"), _choice(KPI.Kind)),
        Field("unit", gettext_lazy("unit")),
        Field("baseline_value", gettext_lazy("baseline")),
        Field("baseline_date", gettext_lazy("baseline date")),
        Field("direction", gettext_lazy("direction"), _choice(KPI.Direction)),
        Field("data_source", gettext_lazy("data source"), prose=True),
        Field("listed_again_under", gettext_lazy("also listed under (再掲)")),
    ]


PLAN_FIELDS = [
    Field("title", gettext_lazy("title"), prose=True),
    Field("concept", gettext_lazy("concept"), prose=True),
    Field("vision", gettext_lazy("vision"), prose=True),
    Field("background", gettext_lazy("background and challenges"), prose=True),
    Field("start_year", gettext_lazy("first fiscal year"), _year),
    Field("end_year", gettext_lazy("last fiscal year"), _year),
    Field("starts_on", gettext_lazy("first month")),
    Field("ends_on", gettext_lazy("last month")),
    Field("level_names", gettext_lazy("names of the policy levels")),
]
PHASE_FIELDS = [
    Field("name", gettext_lazy("name"), prose=True),
    Field("goal", gettext_lazy("goal"), prose=True),
    Field("description", gettext_lazy("description"), prose=True),
    Field("start_year", gettext_lazy("first fiscal year"), _year),
    Field("end_year", gettext_lazy("last fiscal year"), _year),
]
POLICY_FIELDS = [
    Field("title", gettext_lazy("title"), prose=True),
    Field("parent", gettext_lazy("within")),
    Field("description", gettext_lazy("description"), prose=True),
]
VIEWPOINT_FIELDS = [Field("description", gettext_lazy("description"), prose=True)]


# -- comparing ------------------------------------------------------------------------------------------------


def _compare_fields(section: Section, prefix: str, old: dict, new: dict, fields: list[Field]) -> None:
    for f in fields:
        before, after = f.show(old.get(f.key)), f.show(new.get(f.key))
        if before != after:
            kind = "added" if not before else "removed" if not after else "changed"
            section.changes.append(Change(f"{prefix}{f.label}", kind, before, after, f.prose))


def _compare_by_year(section: Section, label: Callable[[str], str], old: dict, new: dict, prose: bool) -> None:
    """Steps and targets: one row for each 年度 that differs."""
    for year in sorted(set(old) | set(new), key=int):
        before, after = _plain(old.get(year)), _plain(new.get(year))
        if before != after:
            kind = "added" if not before else "removed" if not after else "changed"
            section.changes.append(Change(label(year), kind, before, after, prose))


def _whole(item: dict, fields: list[Field]) -> str:
    """An added or removed part in full, one field a line."""
    return "\n".join(f"{f.label}：{f.show(item.get(f.key))}" for f in fields if f.show(item.get(f.key)))


def _matched(
    section: Section,
    old_items: list[dict],
    new_items: list[dict],
    key: str,
    name: Callable[[dict], str],
    whole: Callable[[dict], str],
    compare: Callable[[dict, dict], None],
) -> None:
    old_by, new_by = {str(i[key]): i for i in old_items}, {str(i[key]): i for i in new_items}
    for k, item in new_by.items():
        if k not in old_by:
            section.changes.append(Change(name(item), "added", "", whole(item)))
        else:
            compare(old_by[k], item)
    for k, item in old_by.items():
        if k not in new_by:
            section.changes.append(Change(name(item), "removed", whole(item), ""))


def _measure_whole(m: dict) -> str:
    lines = [_whole(m, _measure_fields())]
    lines += [
        f"{WORD_STEP}（{_year(y)}）：{text}"
        for y, text in sorted(m.get("steps", {}).items(), key=lambda s: int(s[0]))
    ]
    lines += [f"KPI：{_kpi_whole(k)}" for k in m.get("kpis", [])]
    return "\n".join(line for line in lines if line)


def _kpi_whole(k: dict) -> str:
    targets = "、".join(f"{_year(y)} {v}" for y, v in sorted(_written_targets(k).items(), key=lambda t: int(t[0])))
    return f"{k['name']}（{WORD_TARGETS}：{targets or '—'}）"


def _measure(section: Section, old: dict, new: dict) -> None:
    prefix = f"{new['number']} "
    _compare_fields(section, prefix, old, new, _measure_fields())
    _compare_by_year(
        section,
        lambda y: f"{prefix}{WORD_BUDGET}（{_year(y)}）",
        {y: budget_text(b) for y, b in old.get("budgets", {}).items()},
        {y: budget_text(b) for y, b in new.get("budgets", {}).items()},
        prose=False,
    )
    _compare_by_year(
        section,
        lambda y: f"{prefix}{WORD_STEP}（{_year(y)}）",
        old.get("steps", {}),
        new.get("steps", {}),
        prose=True,
    )
    _matched(
        section,
        old.get("kpis", []),
        new.get("kpis", []),
        "name",
        lambda k: f"{prefix}KPI「{k['name']}」",
        _kpi_whole,
        lambda a, b: _kpi(section, f"{prefix}KPI「{b['name']}」", a, b),
    )


def _written_targets(kpi: dict) -> dict[str, str]:
    written, unit = kpi.get("written", {}), "" if kpi.get("kind") == "milestone" else kpi.get("unit", "")
    return {y: written.get(y) or f"{v}{unit}" for y, v in kpi.get("targets", {}).items()}


def budget_text(b: dict) -> str:
    """「予算 1,200千円・決算 1,100千円・財源 …」: a year's money in one line."""
    parts = []
    if b.get("budget") is not None:
        parts.append(f"{WORD_BUDGET} {_thousand_yen(b['budget'])}")
    if b.get("settled") is not None:
        parts.append(f"{WORD_SETTLED} {_thousand_yen(b['settled'])}")
    funding = b.get("funding", []) + ([b["funding_other"]] if b.get("funding_other") else [])
    if funding:
        parts.append(f"{WORD_FUNDING} {'、'.join(funding)}")
    return "・".join(parts)


def _assessment_text(a: dict) -> str:
    text = a["grade"] + (f"：{a['comment']}" if a.get("comment") else "")
    return text + (f"（{WORD_CONTINUED_IN_THE_NEXT_PLAN}）" if a.get("continue_next") else "")


def _kpi(section: Section, prefix: str, old: dict, new: dict) -> None:
    _compare_fields(section, f"{prefix} ", old, new, _kpi_fields())
    _compare_by_year(
        section,
        lambda y: f"{prefix} {WORD_TARGET}（{_year(y)}）",
        _written_targets(old),
        _written_targets(new),
        prose=False,
    )
    _compare_by_year(
        section,
        lambda y: f"{prefix} {WORD_SELF_ASSESSMENT}（{_year(y)}）",
        {y: _assessment_text(a) for y, a in old.get("assessments", {}).items()},
        {y: _assessment_text(a) for y, a in new.get("assessments", {}).items()},
        prose=True,
    )


def diff_snapshots(old: dict, new: dict) -> list[Section]:
    """Sections with at least one change, in the order of the document."""
    plan = Section(_("Plan"))
    _compare_fields(plan, "", old["plan"], new["plan"], PLAN_FIELDS)
    phases = Section(_("Phases"))
    _matched(
        phases,
        old["phases"],
        new["phases"],
        "order",
        lambda p: _("Phase %(order)s") % {"order": p["order"]},
        lambda p: _whole(p, PHASE_FIELDS),
        lambda a, b: _compare_fields(phases, _("Phase %(order)s: ") % {"order": b["order"]}, a, b, PHASE_FIELDS),
    )
    policies = Section(_("Policies"))
    _matched(
        policies,
        old["policies"],
        new["policies"],
        "number",
        lambda p: f"{p['number']} {p['title']}",
        lambda p: _whole(p, POLICY_FIELDS),
        lambda a, b: _compare_fields(policies, f"{b['number']} ", a, b, POLICY_FIELDS),
    )
    viewpoints = Section(_("Cross-cutting viewpoints"))
    _matched(
        viewpoints,
        old.get("viewpoints", []),
        new.get("viewpoints", []),
        "title",
        lambda v: v["title"],
        lambda v: _whole(v, VIEWPOINT_FIELDS),
        lambda a, b: _compare_fields(viewpoints, f"{b['title']} ", a, b, VIEWPOINT_FIELDS),
    )
    measures = Section(_("Measures"))
    _matched(
        measures,
        old["measures"],
        new["measures"],
        "number",
        lambda m: f"{m['number']} {m['title']}",
        _measure_whole,
        lambda a, b: _measure(measures, a, b),
    )
    return [s for s in (plan, viewpoints, phases, policies, measures) if s.changes]


def comparison_document(plan_title: str, old_label: str, new_label: str, sections: list[Section]) -> Document:
    """The 新旧対照表 for the council: for each section a table of item, old and new."""
    doc = Document(
        title=_("%(plan)s: table of changes (新旧対照表)") % {"plan": plan_title},
        subtitle_lines=[_("%(old)s → %(new)s") % {"old": old_label, "new": new_label}],
        landscape=True,
    )
    if not sections:
        doc.add(Paragraph(_("No differences.")))
    for section in sections:
        doc.add(
            Heading(section.title, 2),
            Table(
                [
                    _("item"),
                    _("old (%(label)s)") % {"label": old_label},
                    _("new (%(label)s)") % {"label": new_label},
                ],
                [[c.label, c.before or _("(none)"), c.after or _("(none)")] for c in section.changes],
                [2, 4, 4],
            ),
        )
    return doc
