import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.cases import selectors
from banso.core.commands import BansoCommand
from banso.orgs.lookups import municipality_for_command
from banso.orgs.scoping import operator_scope


class Command(BansoCommand):
    help = gettext_lazy(
        "Cases for a municipality: relevance to its open challenges and a similar profile, with the reasons."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="local government code (5 or 6 digits)")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        town = municipality_for_command(options["municipality"])
        scope = operator_scope([town.pk])
        found = selectors.recommend(scope, town, limit=max(1, options["limit"]))
        rows = [
            {
                "rank": rank,
                "id": r.case.pk,
                "title": r.case.title,
                "municipality": r.case.municipality.name,
                "prefecture": r.case.prefecture.name,
                "score": r.score,
                "text_score": round(r.text_score, 4),
                "profile_score": round(r.profile_score, 4),
                "reasons": r.reasons,
            }
            for rank, r in enumerate(found, start=1)
        ]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"municipality": town.code, "name": town.name, "results": rows}, ensure_ascii=False, indent=2
                )
            )
            return
        self.stdout.write(_("Cases for %(name)s") % {"name": town.full_name})
        for row in rows:
            self.stdout.write(f"{row['rank']:>3}. {row['prefecture']}{row['municipality']}：{row['title']}")
            self.stdout.write("     " + " / ".join(row["reasons"]))
