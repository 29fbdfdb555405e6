import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.cases import selectors
from banso.core.commands import BansoCommand
from banso.orgs.scoping import operator_scope


class Command(BansoCommand):
    help = gettext_lazy(
        "Search the published cases as the search page does; --json for a machine-readable answer."
    )

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="+", help="words, as a person would type them")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        query = " ".join(options["query"])
        page = selectors.search(operator_scope(), query, limit=max(1, options["limit"]))
        rows, near = listed(page.hits), listed(page.near)
        if options["json"]:
            answer = {
                "query": query,
                "total": page.total,
                "results": rows,
                "answered": page.answered,
                "not_found": page.unknown_words,
                "near": near,
            }
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_("%(total)s cases for “%(query)s”") % {"total": page.total, "query": query})
        self.print_rows(rows)
        if page.unknown_words:
            self.stdout.write(_("No case holds: %(words)s") % {"words": "、".join(page.unknown_words)})
        if near:
            self.stdout.write(_("Near cases (some of the words, not all):"))
            self.print_rows(near)

    def print_rows(self, rows):
        for row in rows:
            self.stdout.write(
                f"{row['rank']:>3}. [{row['score']}] {row['prefecture']}{row['municipality']}：{row['title']}"
            )
            self.stdout.write(f"     {row['highlight']}")


def listed(hits) -> list[dict]:
    return [
        {
            "rank": rank,
            "id": hit.case.pk,
            "score": hit.score,
            "title": hit.case.title,
            "municipality": hit.case.municipality.name,
            "prefecture": hit.case.prefecture.name,
            "code": hit.case.municipality.code,
            "theme": hit.case.get_theme_display(),
            "highlight": marked(hit.snippet),
        }
        for rank, hit in enumerate(hits, start=1)
    ]


def marked(segments) -> str:
    """Highlights for a terminal or a JSON reader: the matched characters between 【 and 】."""
    return "".join(f"【{text}】" if mark else text for text, mark in segments)
