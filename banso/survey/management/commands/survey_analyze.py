import json
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core.commands import BansoCommand
from banso.survey.management.commands._common import add_round_arguments, round_from_options
from banso.survey.selectors import analysis_of


class Command(BansoCommand):
    help = gettext_lazy(
        "Print the survey analysis: hours by department and category, media, candidates, similar tasks."
    )

    def add_arguments(self, parser):
        add_round_arguments(parser)
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--top", type=int, default=20, help="number of candidates")

    def handle(self, *args, **options):
        survey_round = round_from_options(options)
        analysis = analysis_of(survey_round, top=options["top"])
        data = {
            "municipality": survey_round.municipality.code,
            "fiscal_year": survey_round.fiscal_year,
            "round": survey_round.title,
            "tasks": analysis.task_count,
            "hours": analysis.total_hours,
            "yen": analysis.total_yen,
            "by_department": analysis.by_department,
            "by_category": analysis.by_category,
            "by_medium": analysis.by_medium,
            "by_digital_status": analysis.by_status,
            "seal": analysis.seal,
            "in_person": analysis.in_person,
            "cannot_show": analysis.cannot,
            "candidates": [
                {
                    "task": c.task["name"],
                    "department": c.department,
                    "score": c.score,
                    "parts": c.parts,
                    "reasons": c.reasons,
                    "hours": c.task["annual_hours"],
                    "savings": [{"measure": label, "hours": h, "yen": y} for _k, label, h, y in c.savings],
                }
                for c in analysis.candidates
            ],
            "similar_pairs": [
                {
                    "a": p["a"]["name"],
                    "department_a": p["department_a"],
                    "b": p["b"]["name"],
                    "department_b": p["department_b"],
                    "score": p["score"],
                    "decision": p["verdict"],
                }
                for p in analysis.pairs
            ],
        }
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_plain))
            return
        self.stdout.write(
            _("%(tasks)s tasks, %(hours)s hours a year, %(yen)s yen.")
            % {"tasks": data["tasks"], "hours": f"{data['hours']:,.0f}", "yen": f"{data['yen']:,}"}
        )
        for i, c in enumerate(data["candidates"], start=1):
            self.stdout.write(f"{i:>3}. [{c['score']}] {c['department']} {c['task']} — {'、'.join(c['reasons'])}")


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value))
