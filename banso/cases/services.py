"""Every write of the case library: cases and their sources, review, cases from finished measures, adoption,
and the search index that follows each change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task as job

from banso.cases.models import Case, CaseAdoption, CaseSource, CaseTransition, IndexBuild, band_for
from banso.core.fiscal import FiscalYear
from banso.core.services import save_validated
from banso.text.search import REBUILD_BATCH, SearchIndex, rebuild_workers, rules_fingerprint

# The tables keep the name of the table of rows the index once was (cases 0003, 0004).
INDEX = SearchIndex("cases_caseposting")

# from -> the statuses it may move to
TRANSITIONS: dict[str, set[str]] = {
    Case.Status.DRAFT: {Case.Status.IN_REVIEW},
    Case.Status.IN_REVIEW: {Case.Status.PUBLISHED, Case.Status.DRAFT},
    Case.Status.PUBLISHED: {Case.Status.DRAFT},
}


def search_fields(case: Case) -> list[tuple[str, int]]:
    """What the index reads, with weights: the title counts three times, the summary and tags twice. Not the
    theme and kind: their labels group several ideas (保健・福祉・介護), so 「介護」 would find every welfare
    case; they are facets instead."""
    tags = [t.name for t in case.tags.all()]
    funding = [f.name for f in case.funding.all()]
    texts = {name: getattr(case, name) for name in ("title", *Case.PROSE_FIELDS)}
    return _weighted(texts, tags, funding, f"{case.prefecture.name} {case.municipality.name}")


def _weighted(texts: dict[str, str], tags: list[str], funding: list[str], place: str) -> list[tuple[str, int]]:
    return [
        (texts["title"], 3),
        (texts["summary"], 2),
        (" ".join(tags), 2),
        (place, 2),
        (texts["background"], 1),
        (texts["actions"], 1),
        (texts["organisation"], 1),
        (" ".join([texts["cost"], *funding]), 1),
        (texts["results_quantitative"], 1),
        (texts["results_qualitative"], 1),
        (texts["difficulties"], 1),
    ]


def documents_for_index() -> Iterator[tuple[int, list[tuple[str, int]]]]:
    """Every case as (id, search_fields()), in id order, read as rows in a fixed number of queries: a rebuild
    reads the whole library, and making ten thousand cases with their tags and towns as objects took two
    seconds."""
    tags = _names_by_case(Case.tags.through, "alignmentitem")
    funding = _names_by_case(Case.funding.through, "fundingscheme")
    names = ("title", *Case.PROSE_FIELDS)
    rows = Case.objects.order_by("pk").values_list("pk", *names, "prefecture__name", "municipality__name")
    for pk, *values in rows.iterator(chunk_size=REBUILD_BATCH):
        *prose, prefecture, municipality = values
        texts = dict(zip(names, prose, strict=True))
        place = f"{prefecture} {municipality}"
        yield pk, _weighted(texts, tags.get(pk, []), funding.get(pk, []), place)


def _names_by_case(through: type[Model], related: str) -> dict[int, list[str]]:
    """The names of each case's related objects, in the order of their model (as case.tags.all() has them)."""
    model = cast(type[Model], through._meta.get_field(related).related_model)
    order = [
        f"-{related}__{o[1:]}" if o.startswith("-") else f"{related}__{o}" for o in model._meta.ordering or ()
    ]
    names: dict[int, list[str]] = {}
    rows = through._default_manager.order_by("case_id", *order).values_list("case_id", f"{related}__name")
    for case_id, name in rows:
        names.setdefault(case_id, []).append(name)
    return names


def index_case(case: Case) -> None:
    INDEX.replace(case.pk, search_fields(case))


def case_deleted(sender, instance, **kwargs) -> None:
    """post_delete of a case (from the back office, or with its municipality): out of the index, which knows
    nothing of cases and would otherwise count it among the documents every idf is computed from."""
    INDEX.remove(instance.pk)


def cases_for_index():
    """The cases with what search_fields() reads, and nothing else."""
    return (
        Case.objects.select_related("municipality", "prefecture")
        .prefetch_related("tags", "funding")
        .only("title", *Case.PROSE_FIELDS, "municipality__name", "prefecture__name")
    )


def index_rebuild() -> int:
    """Index every case again (after a bulk load, or to apply a change of the folding rules). Returns the
    number of postings."""
    cases = Case.objects.count()
    postings = INDEX.rebuild(documents_for_index(), workers=rebuild_workers(cases))
    IndexBuild.objects.create(rules=rules_fingerprint(), cases=cases, postings=postings)
    return postings


def index_is_current() -> bool:
    """Cut by the current rules, and holding every case: the index is not data of a model, so cases loaded with
    loaddata (from another database) arrive without it."""
    built = IndexBuild.objects.first()
    return built is not None and built.rules == rules_fingerprint() and INDEX.documents() == Case.objects.count()


@job()
def index_rebuild_job(only_if_outdated: bool = False) -> int:
    """The job: a full rebuild (10,000 cases take a minute), skipped when asked only if the rules changed and
    another worker has rebuilt under the current ones meanwhile."""
    if only_if_outdated and index_is_current():
        return 0
    return index_rebuild()


def index_rebuild_if_outdated() -> bool:
    """A worker's start chore: enqueue a rebuild when the index was cut by other rules (or never built)."""
    if index_is_current():
        return False
    index_rebuild_job.enqueue(only_if_outdated=True)
    return True


def vocabulary_changed(**kwargs) -> None:
    """The installation's vocabulary changed: the index is rebuilt under it (queries use it at once)."""
    index_rebuild_if_outdated()


@job()
def index_cases_job(case_ids: list[int]) -> int:
    """The job: index these cases again (a name they show changed: their town, a plan item, a funding scheme)."""
    found = 0
    for case in cases_for_index().filter(pk__in=case_ids):
        index_case(case)
        found += 1
    return found


# Names a case's index reads from another model: model label -> (field, how to find the cases that show it).
NAMES_INDEXED = {
    "orgs.Municipality": ("name", lambda obj: Case.objects.filter(municipality=obj)),
    "orgs.Prefecture": ("name", lambda obj: Case.objects.filter(prefecture=obj)),
    "plans.AlignmentItem": ("name", lambda obj: Case.objects.filter(tags=obj)),
    "plans.FundingScheme": ("name", lambda obj: Case.objects.filter(funding=obj)),
}


def name_before_save(sender, instance, **kwargs) -> None:
    """pre_save of a model in NAMES_INDEXED: remember the stored name, to tell after the save if it changed."""
    field, _cases = NAMES_INDEXED[sender._meta.label]
    if instance.pk is not None and not kwargs.get("raw"):
        instance._indexed_name = sender.objects.filter(pk=instance.pk).values_list(field, flat=True).first()


def name_saved(sender, instance, created, **kwargs) -> None:
    """post_save: when the name changed, the cases that show it are indexed again by a job after commit (a
    prefecture's rename touches thousands of cases; the admin page that saved it should not wait)."""
    field, cases = NAMES_INDEXED[sender._meta.label]
    before = getattr(instance, "_indexed_name", None)
    if created or before is None or before == getattr(instance, field):
        return
    ids = list(cases(instance).values_list("pk", flat=True))
    if ids:
        transaction.on_commit(lambda: index_cases_job.enqueue(ids))


@transaction.atomic
def case_save(*, municipality=None, case=None, tags=(), funding=(), sources=None, reindex=True, **values) -> Case:
    """Create or change a case. A new case takes a snapshot of its municipality's profile; only drafts change."""
    if case is not None and case.status != Case.Status.DRAFT:
        raise ValidationError(_("Only a draft can be changed. Withdraw the case to a draft first."))
    if case is None:
        case = Case(municipality=municipality)
        _snapshot(case, municipality)
    return _write(case, tags, funding, sources, reindex, values)


def seed_case_save(*, key, municipality, published_on, tags=(), funding=(), sources=(), **values) -> Case:
    """A case of the seed documents, created published or updated in place (`banso cases load`). The caller
    rebuilds the index once at the end."""
    case = Case.objects.filter(seed_key=key).first()
    if case is None:
        case = Case(seed_key=key, status=Case.Status.PUBLISHED, published_on=published_on)
    case.municipality = municipality
    _snapshot(case, municipality)
    return _write(case, tags, funding, sources, False, values)


def _write(case, tags, funding, sources, reindex, values) -> Case:
    case.prefecture_id = case.municipality.prefecture_id
    case.population_band = band_for(values.get("population", case.population))
    case.tag_list = " ".join(str(t.pk) for t in tags)
    case.funding_list = " ".join(str(f.pk) for f in funding)
    save_validated(case, **values)
    case.tags.set(tags)
    case.funding.set(funding)
    if sources is not None:
        _sources_replace(case, sources)
    if reindex:
        index_case(case)
    return case


def _snapshot(case: Case, municipality) -> None:
    case.population = municipality.population
    case.aged_65_share = municipality.aged_65_share
    case.area_km2 = municipality.area_km2
    case.profile_year = municipality.census_year


def _sources_replace(case: Case, sources) -> None:
    case.sources.all().delete()
    for order, source in enumerate(sources):
        if not (source.get("title") or "").strip():
            continue
        item = CaseSource(case=case, order=order)
        save_validated(
            item, title=source["title"], published_on=source.get("published_on"), url=source.get("url") or ""
        )


@transaction.atomic
def case_transition(*, case: Case, to_status: str, user=None, label: str = "", note: str = "") -> Case:
    """Move a case along draft → in review → published (or back), recording who did it.
    A case is published by someone else than who sent it for review, and sent back with a reason."""
    if to_status not in TRANSITIONS.get(case.status, set()):
        raise ValidationError(
            _("A case that is “%(current)s” cannot become “%(target)s”.")
            % {"current": case.get_status_display(), "target": Case.Status(to_status).label}
        )
    if case.status == Case.Status.IN_REVIEW and to_status == Case.Status.DRAFT and not note.strip():
        raise ValidationError({"note": _("Say what should change, so the author can fix it.")})
    if to_status == Case.Status.PUBLISHED and user is not None:
        submitted = case.transitions.filter(to_status=Case.Status.IN_REVIEW).first()
        if submitted is not None and submitted.by_id == user.pk:
            raise ValidationError(_("Someone else must review the case you sent for review."))
    if to_status == Case.Status.IN_REVIEW and not (case.summary.strip() and (case.actions or "").strip()):
        raise ValidationError(_("Write the summary and what was done before sending the case for review."))
    if to_status == Case.Status.IN_REVIEW and not case.sources.exists():
        raise ValidationError(
            _("Name at least one source (the document the facts come from) before sending the case for review.")
        )
    CaseTransition.objects.create(
        case=case,
        from_status=case.status,
        to_status=to_status,
        by=user,
        by_label=label or (user.get_username() if user is not None else "system"),
        note=note.strip(),
    )
    case.status = to_status
    case.published_on = timezone.localdate() if to_status == Case.Status.PUBLISHED else case.published_on
    case.save(update_fields=["status", "published_on", "updated_at"])
    return case


@transaction.atomic
def case_from_measure(*, measure, user=None) -> Case:
    """A finished measure written up as a case draft: its words, steps, owner, budget, funding, tags and the
    KPIs' figures. Staff then add what only they know (difficulties, partners) and send it for review."""
    from banso.plans.models import Measure, MeasureTag

    if measure.status != Measure.Status.DONE:
        raise ValidationError(_("Only a completed measure can become a case."))
    existing = measure.cases.first()
    if existing is not None:
        raise ValidationError(_("This measure already has a case: “%(title)s”.") % {"title": existing.title})
    plan = measure.plan
    steps = "\n".join(f"{FiscalYear(s.fiscal_year).era_label}：{s.description}" for s in measure.steps.all())
    challenges = [c.title for c in measure.challenges.all()]
    departments = [
        *([measure.owner.name] if measure.owner else []),
        *(d.name for d in measure.related_departments.all()),
    ]
    years = [s.fiscal_year for s in measure.steps.all()] or [plan.start_year]
    tags = [
        t.item
        for t in measure.tags.filter(status=MeasureTag.Status.CONFIRMED, item__isnull=False).select_related("item")
    ]
    return case_save(
        municipality=plan.municipality,
        title=measure.title,
        summary=measure.goal or measure.purpose or measure.title,
        theme=guess_theme(" ".join([measure.title, measure.purpose, measure.content])),
        kind=Case.Kind.SERVICE if measure.audience else Case.Kind.PROCESS,
        start_year=min(years),
        end_year=max(years),
        background="\n".join(filter(None, [measure.purpose, *(f"・{c}" for c in challenges)])),
        actions="\n".join(filter(None, [measure.content, steps])),
        organisation=_("Owner: %(departments)s") % {"departments": "、".join(departments)},
        cost=_budget_text(measure),
        budget_thousand_yen=measure.budget_thousand_yen,
        results_quantitative=_kpi_results(measure),
        source_measure=measure,
        tags=tags,
        funding=list(measure.funding.all()),
        sources=[{"title": f"{plan.municipality.name}「{plan.title}」{measure.number}", "published_on": None}],
    )


# A measure's theme from its words, for the case draft (staff correct it on the form).
THEME_WORDS = {
    Case.Theme.FRONT_OFFICE: ("窓口", "申請", "手続", "書かない", "証明", "マイナンバー"),
    Case.Theme.BACK_OFFICE: ("電子決裁", "ペーパーレス", "RPA", "業務改善", "BPR", "文書", "チャット"),
    Case.Theme.PLANNING: ("計画", "ロードマップ", "推進体制", "推進本部"),
    Case.Theme.PEOPLE: ("研修", "人材", "リーダー", "リテラシー"),
    Case.Theme.DIVIDE: ("スマホ教室", "デジタルデバイド", "高齢者", "操作"),
    Case.Theme.COMMUNICATION: ("情報発信", "LINE", "アプリ", "ホームページ", "広報", "配信"),
    Case.Theme.MOBILITY: ("交通", "バス", "デマンド", "乗合"),
    Case.Theme.COMMERCE: ("買い物", "店舗", "地域通貨", "キャッシュレス", "商店"),
    Case.Theme.WELFARE: ("介護", "福祉", "健康", "見守り", "予防接種"),
    Case.Theme.EDUCATION: ("学校", "教育", "教員", "子育て", "児童"),
    Case.Theme.DISASTER: ("防災", "災害", "除雪", "積雪", "ため池", "水位"),
    Case.Theme.AGRICULTURE: ("農業", "営農", "農産物", "林業", "スマート農業"),
    Case.Theme.TOURISM: ("観光",),
    Case.Theme.DATA: ("データ", "スマートシティ", "EBPM", "オープンデータ"),
    Case.Theme.LOGISTICS: ("配送", "ドローン", "物流"),
}


def guess_theme(text: str) -> str:
    counts = {theme: sum(text.count(word) for word in words) for theme, words in THEME_WORDS.items()}
    best = max(counts, key=lambda theme: counts[theme])
    return best if counts[best] else Case.Theme.BACK_OFFICE


def _budget_text(measure) -> str:
    if not measure.budget_thousand_yen:
        return ""
    return _("Budget %(amount)s thousand yen") % {"amount": f"{measure.budget_thousand_yen:,}"}


def _kpi_results(measure) -> str:
    from banso.tracking.selectors import counted_actuals, settings_for

    tracking = settings_for(measure.plan.municipality)
    latest = {a.kpi_id: a for a in counted_actuals(tracking).filter(kpi__measure=measure)}
    lines = []
    for kpi in measure.kpis.prefetch_related("targets"):
        actual = latest.get(kpi.pk)
        target = max(kpi.targets.all(), key=lambda t: t.fiscal_year, default=None)
        parts = [kpi.name]
        if kpi.baseline_value is not None:
            parts.append(_("baseline %(value)s%(unit)s") % {"value": _num(kpi.baseline_value), "unit": kpi.unit})
        if actual is not None:
            parts.append(
                _("actual %(value)s%(unit)s (%(date)s)")
                % {"value": _num(actual.value), "unit": kpi.unit, "date": actual.as_of.isoformat()}
            )
        if target is not None:
            parts.append(
                _("target %(value)s%(unit)s (%(year)s)")
                % {"value": target.written, "unit": kpi.unit, "year": FiscalYear(target.fiscal_year).era_label}
            )
        lines.append("・" + "、".join(parts))
    return "\n".join(lines)


def _num(value) -> str:
    return f"{value.normalize():,f}" if hasattr(value, "normalize") else str(value)


def case_source_label(case: Case) -> str:
    return f"{case.municipality.name}の事例「{case.title}」"


def case_reference(case: Case) -> str:
    from banso.programs.services import reference_text

    return reference_text(
        [
            (_("background and challenge"), case.background),
            (_("what was done"), case.actions),
            (_("results in figures"), case.results_quantitative),
            (_("results in words"), case.results_qualitative),
        ]
    )


def adopted_case_measure(case: Case, plan):
    """The measure of `plan` taken in from `case`, if it was."""
    link = CaseAdoption.objects.filter(case=case, adoption__adopted__plan=plan).select_related("adoption__adopted")
    found = link.first()
    return found.adoption.adopted if found else None


@transaction.atomic
def case_adopt(*, case: Case, plan, user=None, policy=None):
    """事例を取り入れる: the case becomes a draft measure of this plan under `policy`, through the same 横展開
    mechanism as a peer's measure, with its source recorded and its texts kept as a reference."""
    from banso.programs.services import adopt_into_plan, already_adopted

    if case.status != Case.Status.PUBLISHED:
        raise ValidationError(_("Only a published case can be adopted."))
    if case.municipality_id == plan.municipality_id:
        raise ValidationError(_("This case is already your municipality's own."))
    if (earlier := adopted_case_measure(case, plan)) is not None:
        already_adopted(earlier)
    year = max(plan.start_year, min(plan.end_year, FiscalYear.current().year))
    adoption = adopt_into_plan(
        plan=plan,
        user=user,
        label=case_source_label(case),
        title=case.title,
        policy=policy,
        reference=case_reference(case),
        steps={
            year: _("Study the case of %(town)s and decide how, with whom and at what cost.")
            % {"town": case.municipality.name}
        },
    )
    CaseAdoption.objects.create(case=case, adoption=adoption)
    return adoption.adopted
