"""The survey's Excel exports: the whole analysis, and the list of what to chase."""

from django.utils.translation import gettext as _

from banso.core.fiscal import FiscalYear
from banso.core.xlsx import Table, xlsx_bytes
from banso.survey.analysis import MEASURES, SCORE_RULE


def analysis_workbook(survey_round, analysis) -> bytes:
    fy = FiscalYear(survey_round.fiscal_year)
    cost = survey_round.hourly_cost_yen

    def grouped(title, label, rows):
        return Table(
            title,
            [label, _("tasks"), _("hours a year"), _("share of hours"), _("yen a year")],
            [
                [r["label"], r["tasks"], r["hours"], round(r["share"] * 100, 1), int(r["hours"] * cost)]
                for r in rows
            ],
            [24, 10, 14, 12, 16],
        )

    candidates = Table(
        _("candidates"),
        [
            _("rank"),
            _("department"),
            _("task"),
            _("score"),
            _("reasons"),
            _("hours a year"),
            _("best measure"),
            _("hours saved"),
            _("yen saved"),
            _("to become a measure"),
        ],
        [
            [
                i,
                c.department,
                c.task["name"],
                c.score,
                "、".join(c.reasons),
                c.task["annual_hours"],
                c.best[1] if c.best else "",
                c.best[2] if c.best else 0,
                c.best[3] if c.best else 0,
                c.task["to_become_measure"],
            ]
            for i, c in enumerate(analysis.candidates, start=1)
        ],
        [6, 16, 30, 8, 40, 12, 18, 12, 14, 10],
        note=str(SCORE_RULE),
    )
    pairs = Table(
        _("similar tasks"),
        [
            _("department"),
            _("task"),
            _("department"),
            _("task"),
            _("similarity"),
            _("hours a year"),
            _("decision"),
        ],
        [
            [
                p["department_a"],
                p["a"]["name"],
                p["department_b"],
                p["b"]["name"],
                p["score"],
                p["hours"],
                p["verdict"] or "",
            ]
            for p in analysis.pairs
        ],
        [16, 30, 16, 30, 10, 12, 12],
    )
    assumptions = Table(
        _("assumptions"),
        [_("means"), _("share of hours saved"), _("applies to")],
        [[str(label), float(rate) * 100, str(rule)] for _k, label, rate, rule in MEASURES],
        [20, 16, 60],
        note=" ".join(
            [
                _("%(year)s %(title)s: hourly staff cost %(cost)s yen.")
                % {"year": fy.era_label, "title": survey_round.title, "cost": f"{cost:,}"},
                *analysis.cannot,  # what the answers do not allow, as on the page
            ]
        ),
    )
    groupings = [
        ("department_id", grouped(_("by department"), _("department"), analysis.by_department)),
        ("category_major", grouped(_("by category"), _("major category"), analysis.by_category)),
        ("medium", grouped(_("by medium"), _("medium"), analysis.by_medium)),
        ("digital_status", grouped(_("by digital status"), _("digital status"), analysis.by_status)),
    ]
    asked = {*analysis.asked, "department_id"}
    return xlsx_bytes([table for key, table in groupings if key in asked] + [candidates, pairs, assumptions])


def chase_workbook(survey_round, rows) -> bytes:
    states = {"not_yet": _("not submitted"), "missing": _("answers missing"), "submitted": _("submitted")}
    table = Table(
        _("to chase"),
        [
            _("department"),
            _("state"),
            _("head of department"),
            _("head's e-mail"),
            _("tasks"),
            _("rows with missing answers"),
            _("rows left out"),
        ],
        [
            [
                r["department"].name,
                states[r["state"]],
                r["department"].head_name,
                r["department"].head_email,
                r["tasks"],
                r["rows_missing"],
                r["skipped"],
            ]
            for r in rows
            if r["state"] != "submitted"
        ],
        [20, 14, 14, 28, 8, 14, 12],
        note=_("Deadline: %(date)s") % {"date": survey_round.deadline.isoformat()},
    )
    return xlsx_bytes([table])
