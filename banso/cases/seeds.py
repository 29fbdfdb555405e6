"""Read the seed cases (data/seed_cases.toml, or a file in the same format) and load them.

Everything is checked before anything is written, and each problem names the case and the field, so a person
editing the file knows where to look.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banso.cases import services
from banso.cases.models import Case
from banso.orgs.loader import DATA_DIR, load_master
from banso.orgs.models import Municipality

SEED_FILE = Path(__file__).resolve().parent / "data" / "seed_cases.toml"
REQUIRED = ("key", "code", "name", "title", "theme", "kind", "summary", "sources")
TEXTS = ("title", *Case.PROSE_FIELDS)


def read(path: Path = SEED_FILE) -> dict:
    """The parsed file, or ValidationError with every problem found."""
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ValidationError(
            _("%(file)s cannot be read: %(error)s") % {"file": Path(path).name, "error": err}
        ) from err
    errors = []
    names = _master_names()
    sources = data.get("source", {})
    for n, case in enumerate(data.get("case", []), start=1):
        where = _("case %(n)s (%(key)s)") % {"n": n, "key": case.get("key", "?")}
        errors += [
            _("%(where)s: “%(field)s” is missing.") % {"where": where, "field": f}
            for f in REQUIRED
            if not case.get(f)
        ]
        if case.get("code") and names.get(case["code"]) != case.get("name"):
            errors.append(
                _("%(where)s: code %(code)s is %(actual)s, not %(name)s.")
                % {
                    "where": where,
                    "code": case["code"],
                    "actual": names.get(case["code"], "?"),
                    "name": case.get("name"),
                }
            )
        for field, choices in (("theme", Case.Theme.values), ("kind", Case.Kind.values)):
            if case.get(field) and case[field] not in choices:
                errors.append(
                    _("%(where)s: “%(value)s” is not a known %(field)s.")
                    % {"where": where, "value": case[field], "field": field}
                )
        errors += [
            _("%(where)s: source “%(source)s” is not defined under [source].") % {"where": where, "source": s}
            for s in case.get("sources", [])
            if s not in sources
        ]
    if errors:
        raise ValidationError(errors)
    return data


def _master_names() -> dict[str, str]:
    items = json.loads((DATA_DIR / "jichitai-code-index.json").read_text("utf-8"))["items"]
    return {i["c"]: i["n"] for i in items if i["t"] != "prefecture"}


@transaction.atomic
def load(path: Path = SEED_FILE) -> dict[str, int]:
    """Create or update every case of the file, published, and rebuild the search index."""
    from banso.plans.models import AlignmentItem, FundingScheme
    from banso.plans.services import alignment_items_ensure, funding_schemes_ensure

    data = read(path)
    funding_schemes_ensure()
    alignment_items_ensure()
    for scheme in data.get("funding", []):
        FundingScheme.objects.get_or_create(
            name=scheme["name"],
            defaults={
                "kind": scheme.get("kind", "other"),
                "valid_until": scheme.get("valid_until"),
                "note": scheme.get("note", ""),
            },
        )
    codes = {c["code"] for c in data["case"]}
    if Municipality.objects.filter(code__in=codes).count() < len(codes):
        load_master(codes)
    towns = {m.code: m for m in Municipality.objects.filter(code__in=codes).select_related("prefecture")}
    items = {i.name: i for i in AlignmentItem.objects.filter(framework__is_current=True)}
    schemes = {s.name: s for s in FundingScheme.objects.all()}
    problems = [
        _("case %(key)s: “%(name)s” is not a known item or funding scheme.") % {"key": c["key"], "name": name}
        for c in data["case"]
        for name, known in [(t, items) for t in c.get("tags", [])] + [(f, schemes) for f in c.get("funding", [])]
        if name not in known
    ]
    if problems:
        raise ValidationError(problems)
    created = 0
    for case in data["case"]:
        created += not Case.objects.filter(seed_key=case["key"]).exists()
        _load_one(case, data["source"], towns, items, schemes)
    postings = services.index_rebuild()
    return {"cases": len(data["case"]), "created": created, "postings": postings}


def _load_one(case: dict, sources: dict, towns, items, schemes) -> Case:
    documents = [sources[key] for key in case["sources"]]
    links = [
        {"title": d["title"], "published_on": _date(d.get("published_on")), "url": d.get("url", "")}
        for d in documents + case.get("links", [])
    ]
    return services.seed_case_save(
        key=case["key"],
        municipality=towns[case["code"]],
        published_on=max((link["published_on"] for link in links if link["published_on"]), default=None),
        tags=[items[t] for t in case.get("tags", [])],
        funding=[schemes[f] for f in case.get("funding", [])],
        sources=links,
        theme=case["theme"],
        kind=case["kind"],
        start_year=case.get("start"),
        end_year=case.get("end"),
        budget_thousand_yen=case.get("budget_thousand_yen"),
        **{field: case.get(field, "").strip() for field in TEXTS},
    )


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
