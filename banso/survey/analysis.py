"""What the survey says: hours by department and category, media, candidates, duplicates.

Everything is computed from one list of task rows so that the page, the
command and the Excel export show the same numbers. The candidate score and
the savings rates are deliberately simple and printed beside the results:
staff must be able to check them by hand.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from banso.survey.sheet import DEFAULT_MEANINGS
from banso.text.similarity import similar_pairs

TASK_FIELDS = [
    "id",
    "department_id",
    "name",
    "category_major",
    "annual_count",
    "minutes_per_case",
    "staff_per_case",
    "fte",
    "medium",
    "has_seal",
    "has_in_person",
    "target",
    "systems",
    "digital_status",
    "annual_hours",
    "to_become_measure",
    "measure_note",
    "missing_answers",
]

# Share of a task's hours each kind of measure is assumed to save, and when it applies.
MEASURES = [
    ("online", _("online application"), Decimal("0.30"), _("in person or on paper with residents or businesses")),
    ("rpa", _("RPA"), Decimal("0.40"), _("Excel or core system, 100+ cases a year, up to 60 minutes each")),
    ("ocr", _("AI-OCR"), Decimal("0.25"), _("paper, 300+ cases a year")),
    ("paperless", _("paperless"), Decimal("0.20"), _("paper")),
    ("standard", _("standardised system"), Decimal("0.10"), _("a core system or named systems")),
]
SCORE_RULE = _(
    "Score (0–100) = volume 40 × log(1+hours) ÷ log(1+largest hours) + repetition 20 × log10(1+cases) ÷ 4 (max 20) "
    "+ manual medium (paper 20, spreadsheet 12) + seal 10 + in person 10. Tasks already digitised are left out."
)
# Media counted as manual work: by meaning, so a town's own labels (「紙・手書き」) count as Banso's do.
MANUAL_MEDIA = {"paper", "spreadsheet"}


def _applies(kind: str, t: dict) -> bool:
    paper = t["medium_is"] == "paper"
    count = t["annual_count"] or 0
    if kind == "online":
        return bool(t["has_in_person"]) or (
            paper and any(w in (t["target"] or "") for w in ("住民", "事業者", "町民", "市民"))
        )
    if kind == "rpa":
        return (
            t["medium_is"] in ("spreadsheet", "core_system")
            and count >= 100
            and (t["minutes_per_case"] or 0) <= 60
        )
    if kind == "ocr":
        return paper and count >= 300
    if kind == "paperless":
        return paper
    return t["medium_is"] == "core_system" or bool(t["systems"])


@dataclass
class Candidate:
    task: dict
    department: str
    score: int
    parts: dict[str, int]
    reasons: list[str]
    savings: list[tuple[str, str, Decimal, int]]  # (kind, label, hours, yen)

    @property
    def best(self):
        return max(self.savings, key=lambda s: s[2]) if self.savings else None


@dataclass
class Analysis:
    task_count: int = 0
    total_hours: Decimal = Decimal(0)
    total_yen: int = 0
    hourly_cost_yen: int = 0
    by_department: list[dict] = field(default_factory=list)
    by_category: list[dict] = field(default_factory=list)
    by_medium: list[dict] = field(default_factory=list)
    by_status: list[dict] = field(default_factory=list)
    seal: dict = field(default_factory=dict)
    in_person: dict = field(default_factory=dict)
    candidates: list[Candidate] = field(default_factory=list)
    pairs: list[dict] = field(default_factory=list)
    asked: frozenset[str] = frozenset()  # the columns the round asks for
    cannot: list[str] = field(default_factory=list)  # what the answers do not allow, said plainly


# What each column not asked for takes away from the analysis.
NOT_ASKED = {
    "category_major": _("Hours by category: the survey does not ask for the major category."),
    "medium": _(
        "The share of paper and spreadsheet work: the survey does not ask for the medium, so paper, AI-OCR and RPA "
        "savings are not estimated."
    ),
    "has_seal": _("Seals: the survey does not ask whether a task needs a seal."),
    "has_in_person": _("Visits in person: the survey does not ask whether a task needs one."),
    "digital_status": _(
        "Digital status: the survey does not ask for it, so tasks already digitised are among the candidates."
    ),
}


def _group(tasks, key, total_hours) -> list[dict]:
    groups: dict[str, dict] = defaultdict(lambda: {"tasks": 0, "hours": Decimal(0)})
    for t in tasks:
        g = groups[key(t) or "—"]
        g["tasks"] += 1
        g["hours"] += t["annual_hours"]
    rows = [
        {"label": label, **g, "share": float(g["hours"] / total_hours) if total_hours else 0.0}
        for label, g in groups.items()
    ]
    return sorted(rows, key=lambda r: (-r["hours"], r["label"]))


def _share(tasks, flag, total_hours) -> dict:
    flagged = [t for t in tasks if t[flag]]
    hours = sum((t["annual_hours"] for t in flagged), Decimal(0))
    return {
        "tasks": len(flagged),
        "task_share": len(flagged) / len(tasks) if tasks else 0.0,
        "hours": hours,
        "hour_share": float(hours / total_hours) if total_hours else 0.0,
    }


def analyse(
    tasks: list[dict],
    departments: dict[int, str],
    hourly_cost_yen: int,
    decisions=None,
    *,
    meanings: dict[str, dict[str, str]] | None = None,
    asked=None,
    pair_threshold=0.6,
    top=50,
) -> Analysis:
    """`meanings` gives what each list value of the round means ({kind: {label: meaning}}, Banso's own lists when
    not given): the figures follow the meanings, never the labels."""
    with_meanings(tasks, DEFAULT_MEANINGS if meanings is None else meanings)
    total = sum((t["annual_hours"] for t in tasks), Decimal(0))
    result = Analysis(
        task_count=len(tasks),
        total_hours=total,
        total_yen=int(total * hourly_cost_yen),
        hourly_cost_yen=hourly_cost_yen,
        asked=frozenset(NOT_ASKED if asked is None else asked),
    )
    result.cannot = [str(message) for key, message in NOT_ASKED.items() if key not in result.asked]
    result.by_department = _group(tasks, lambda t: departments.get(t["department_id"], "?"), total)
    result.by_category = _group(tasks, lambda t: t["category_major"], total)
    result.by_medium = _group(tasks, lambda t: t["medium"], total)
    result.by_status = _group(tasks, lambda t: t["digital_status"], total)
    result.seal = _share(tasks, "has_seal", total)
    result.in_person = _share(tasks, "has_in_person", total)
    result.candidates = candidates(tasks, departments, hourly_cost_yen, top=top)
    result.pairs = duplicate_pairs(tasks, departments, decisions or {}, threshold=pair_threshold)
    return result


def with_meanings(tasks: list[dict], meanings: dict[str, dict[str, str]]) -> None:
    """Put on each task what its medium and its digital status mean (`medium_is`, `status_is`)."""
    media, statuses = meanings.get("medium", {}), meanings.get("digital_status", {})
    for t in tasks:
        t["medium_is"] = media.get(t["medium"], "")
        t["status_is"] = statuses.get(t["digital_status"], "")


def _score_parts(t, largest) -> dict[str, int]:
    count = t["annual_count"] or 0
    return {
        "volume": round(40 * math.log1p(t["annual_hours"]) / math.log1p(largest)) if largest else 0,
        "repetition": min(20, round(20 * math.log10(1 + count) / 4)),
        "manual": 20 if t["medium_is"] == "paper" else 12 if t["medium_is"] == "spreadsheet" else 0,
        "seal": 10 if t["has_seal"] else 0,
        "in_person": 10 if t["has_in_person"] else 0,
    }


def _reasons(t) -> list[str]:
    count = t["annual_count"] or 0
    reasons: list[Any] = [_("%(hours)s hours a year") % {"hours": f"{t['annual_hours']:,.0f}"}]
    if count >= 100:
        reasons.append(_("%(count)s cases a year") % {"count": f"{count:,}"})
    if t["medium_is"] in MANUAL_MEDIA:
        reasons.append(_("handled on %(medium)s") % {"medium": t["medium"]})
    if t["has_seal"]:
        reasons.append(_("needs a seal"))
    if t["has_in_person"]:
        reasons.append(_("needs a visit in person"))
    return [str(r) for r in reasons]


def candidates(tasks, departments, hourly_cost_yen, top=None) -> list[Candidate]:
    """Tasks not yet digitalised, best score first; reasons and savings for the first `top` only."""
    open_tasks = [t for t in tasks if t["status_is"] != "digitised" and t["annual_hours"] > 0]
    largest = max((t["annual_hours"] for t in open_tasks), default=Decimal(0))
    scored = [(t, _score_parts(t, largest)) for t in open_tasks]
    scored.sort(key=lambda x: (-sum(x[1].values()), -x[0]["annual_hours"], x[0]["id"]))
    found = []
    for t, parts in scored[:top]:
        hours = t["annual_hours"]
        savings = [
            (kind, str(label), (hours * rate).quantize(Decimal("0.1")), int(hours * rate * hourly_cost_yen))
            for kind, label, rate, _rule in MEASURES
            if _applies(kind, t)
        ]
        found.append(
            Candidate(
                t, departments.get(t["department_id"], "?"), sum(parts.values()), parts, _reasons(t), savings
            )
        )
    return found


def duplicate_pairs(tasks, departments, decisions: dict, *, threshold=0.6) -> list[dict]:
    """Similar tasks in different departments, for a person to confirm or dismiss."""
    by_id = {t["id"]: t for t in tasks}
    matches = similar_pairs(
        ((t["id"], t["name"]) for t in tasks),
        threshold=threshold,
        may_pair=lambda a, b: by_id[a]["department_id"] != by_id[b]["department_id"],
    )
    pairs = []
    for m in matches:
        a, b = sorted((m.a, m.b))  # type: ignore[type-var]  # task ids, as given to the matcher
        pairs.append(
            {
                "a": by_id[a],
                "b": by_id[b],
                "score": m.score,
                "department_a": departments.get(by_id[a]["department_id"], "?"),
                "department_b": departments.get(by_id[b]["department_id"], "?"),
                "hours": by_id[a]["annual_hours"] + by_id[b]["annual_hours"],
                "verdict": decisions.get((a, b)),
            }
        )
    return pairs
