"""Reads of the case library shared by the pages, the commands and the quality script: search with facets and
highlights, recommendations with their reasons, and who may do what with a case."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as SqlCase  # Case is the model
from django.db.models import Count, FloatField, QuerySet, Value, When
from django.db.models.functions import Abs, Cast, Greatest, Ln
from django.utils.translation import gettext as _

from banso.cases.models import Case
from banso.cases.services import INDEX
from banso.orgs.models import Role
from banso.text import highlight
from banso.text.search import Page, Word, parse, shared_words, text_word

FACETS = ("theme", "tag", "band", "prefecture", "funding")
# Read with every hit, in the ranking query: the facets, then the profile for recommendations.
HIT_FIELDS = ("theme", "population_band", "prefecture_id", "tag_list", "funding_list")
PROFILE_FIELDS = ("population", "aged_65_share", "area_km2", "prefecture_id", "prefecture__number")
NO_FUNDING = "none"


# -- visibility and rights -------------------------------------------------------------------------


def visible_cases(scope) -> QuerySet[Case]:
    return scope.filter(Case.objects.all())


def published_cases(scope) -> QuerySet[Case]:
    return visible_cases(scope).filter(status=Case.Status.PUBLISHED)


def can_edit(scope, case: Case) -> bool:
    return case.status == Case.Status.DRAFT and scope.can_manage(case.municipality_id)


def can_review(scope, case: Case) -> bool:
    """The prefecture's staff, or an advisor assigned to the town today, review a town's case; the town's own
    staff cannot publish alone."""
    if case.status != Case.Status.IN_REVIEW:
        return False
    grant = scope.grants.get(case.municipality_id)
    return case.prefecture_id in scope.prefecture_ids or (grant is not None and Role.ADVISOR in grant.roles)


def can_withdraw(scope, case: Case) -> bool:
    if case.status != Case.Status.PUBLISHED or case.seed_key:
        return False
    return scope.can_manage(case.municipality_id) or case.prefecture_id in scope.prefecture_ids


def cases_to_review(scope) -> list[Case]:
    """Cases waiting for this reader's review."""
    waiting = visible_cases(scope).filter(status=Case.Status.IN_REVIEW).select_related("municipality")
    return [c for c in waiting if can_review(scope, c)]


def finished_without_case(scope, municipality):
    """The municipality's completed measures that have not been written up as a case yet."""
    from banso.plans.models import Measure

    finished = Measure.objects.filter(
        plan__municipality=municipality, status=Measure.Status.DONE, cases__isnull=True
    )
    return scope.filter(finished).select_related("plan")


def adopted_from(scope, measure) -> list[int]:
    """The cases a measure was adopted from (not to be offered to it again as "similar")."""
    from banso.cases.models import CaseAdoption

    return list(
        scope.filter(CaseAdoption.objects.filter(adoption__adopted=measure)).values_list("case_id", flat=True)
    )


def adopting_towns(scope, case: Case) -> list:
    """The municipalities this reader manages that could take the case into their plan."""
    if case.status != Case.Status.PUBLISHED:
        return []
    return [m for m in scope.municipalities() if scope.can_manage(m.pk) and m.pk != case.municipality_id]


# -- search -------------------------------------------------------------------------------------


@dataclass
class Filters:
    theme: str = ""
    tag: int | None = None
    band: str = ""
    prefecture: int | None = None
    funding: str = ""  # a scheme's id, or "none"

    def apply(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        if self.theme:
            cases = cases.filter(theme=self.theme)
        if self.tag:
            cases = cases.filter(tags=self.tag)
        if self.band:
            cases = cases.filter(population_band=self.band)
        if self.prefecture:
            cases = cases.filter(prefecture_id=self.prefecture)
        if self.funding == NO_FUNDING:
            cases = cases.filter(funding_list="")
        elif self.funding.isdigit():
            cases = cases.filter(funding=int(self.funding))
        return cases

    def active(self) -> dict:
        return {name: getattr(self, name) for name in FACETS if getattr(self, name)}


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class CaseHit:
    case: Case
    score: int
    title: list = field(default_factory=list)  # highlight segments
    snippet: list = field(default_factory=list)


@dataclass
class SearchPage:
    query: str
    hits: list[CaseHit]
    total: int
    facets: dict[str, list[FacetValue]]
    unknown_words: list[str] = field(default_factory=list)  # the words no case holds (with these filters)
    near: list[CaseHit] = field(default_factory=list)  # no case has every word: those with some of them
    near_total: int = 0

    @property
    def answered(self) -> bool:
        """Whether some case has every word: a query with no relevant case comes back empty, not with noise."""
        return bool(self.hits) or not self.query.strip()


NEAR_LIMIT = 5  # near misses shown under an empty result: a few to look at, not a second result list


def search(scope, query: str, filters: Filters | None = None, *, limit: int = 20, offset: int = 0) -> SearchPage:
    """Published cases for a query, best first, with facet counts over every hit and highlights on this page.

    A case is a result only when it holds every word of the query. When none does, the page is empty and names
    the words no case holds; the cases that hold at least one whole word come separately, as near misses."""
    filters = filters or Filters()
    cases = filters.apply(published_cases(scope))
    words = parse(query)
    near_page = None
    if words:
        INDEX.prepare(words)
        findable = [w for w in words if w.findable]
        counted = range(len(HIT_FIELDS))
        # A word no case holds at all: no case has every word, without asking.
        found = (
            INDEX.page(words, within=cases, fields=HIT_FIELDS, counted=counted, limit=limit, offset=offset)
            if len(findable) == len(words)
            else Page(0, [], {i: [] for i in counted})
        )
        if not found.total and findable and len(words) > 1:
            near_page = INDEX.page(
                words, within=cases, fields=HIT_FIELDS, counted=(), limit=NEAR_LIMIT, require="any"
            )
        unknown, near_query = [], ""
        if not found.total:
            # Every word no case holds, whether or not its characters are in the library (bit i of words_found:
            # some near case holds the i-th findable word).
            held = near_page.words_found if near_page else 0
            position = {id(w): i for i, w in enumerate(findable)}
            unknown = [
                part
                for w in words
                if id(w) not in position or not held >> position[id(w)] & 1
                for part in w.missing()
            ]
            # Near cases mark only the words some of them hold: the fragments of a word no case has (ライ, テラ
            # of サテライトオフィス) are in many texts and would be marked all over them.
            near_query = " ".join(w.text for w in findable if held >> position[id(w)] & 1)
        ids, total, counts = [h.obj_id for h in found.hits], found.total, found.counts
        scores = {h.obj_id: h.score for h in found.hits}
    else:  # no query: the library, newest first
        unknown, near_query = [], ""
        ids = list(cases.order_by("-published_on", "-id").values_list("id", flat=True)[offset : offset + limit])
        counts = {
            i: list(cases.order_by().values_list(f).annotate(n=Count("pk"))) for i, f in enumerate(HIT_FIELDS)
        }
        total, scores = sum(n for _value, n in counts[0]), {}
    near_ids = [h.obj_id for h in near_page.hits] if near_page else []
    by_id = Case.objects.select_related("municipality", "prefecture").in_bulk(ids + near_ids)
    terms = highlight.query_terms(query) if words else highlight.QueryTerms()
    hits = [_hit(by_id[i], scores.get(i, 0), terms) for i in ids]
    near_terms = highlight.query_terms(near_query)
    near = [_hit(by_id[h.obj_id], h.score, near_terms) for h in near_page.hits] if near_page else []
    return SearchPage(
        query, hits, total, _facets(counts, filters), unknown, near, near_page.total if near_page else 0
    )


def _hit(case: Case, score: int, terms: highlight.QueryTerms) -> CaseHit:
    body = " ".join([case.summary, case.actions, case.results_quantitative, case.results_qualitative])
    return CaseHit(case, score, highlight.highlight(case.title, terms), highlight.snippet(body, terms))


def _facets(counts: dict[int, list[tuple]], filters: Filters) -> dict[str, list[FacetValue]]:
    """Facet values with their numbers of hits, from the counts per value of HIT_FIELDS."""
    from banso.orgs.models import Prefecture
    from banso.plans.models import AlignmentItem, FundingScheme

    def spread(pairs, empty=None):  # "1 5 12" counted n times -> 1, 5 and 12 counted n times each
        result: Counter[Any] = Counter()
        for value, n in pairs:
            for part in (value or "").split() or ([empty] if empty else []):
                result[part] += n
        return result

    tally = {
        "theme": Counter(dict(counts[0])),
        "band": Counter(dict(counts[1])),
        "prefecture": Counter({str(value): n for value, n in counts[2]}),
        "tag": spread(counts[3]),
        "funding": spread(counts[4], NO_FUNDING),
    }
    labels: dict[str, dict[Any, Any]] = {
        "theme": dict(Case.Theme.choices),
        "band": dict(Case.PopulationBand.choices),
        "prefecture": {str(p.pk): p.name for p in Prefecture.objects.filter(pk__in=_ids(tally["prefecture"]))},
        "tag": {str(i.pk): i.name for i in AlignmentItem.objects.filter(pk__in=_ids(tally["tag"]))},
        "funding": {str(f.pk): f.name for f in FundingScheme.objects.filter(pk__in=_ids(tally["funding"]))}
        | {NO_FUNDING: _("not stated")},
    }
    order = {"theme": list(labels["theme"]), "band": list(labels["band"])}
    facets = {}
    for name in FACETS:
        selected = str(getattr(filters, name) or "")
        values = [
            FacetValue(value, str(labels[name].get(value, value)), n, value == selected)
            for value, n in tally[name].items()
        ]
        if name in order:
            values.sort(key=lambda v: order[name].index(v.value) if v.value in order[name] else 99)
        else:
            values.sort(key=lambda v: (-v.count, v.label))
        facets[name] = values
    return facets


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


# -- recommendations ----------------------------------------------------------------------------

REGIONS = [  # 地方区分 by prefecture number
    (range(1, 2), "北海道"),
    (range(2, 8), "東北"),
    (range(8, 15), "関東"),
    (range(15, 24), "中部"),
    (range(24, 31), "近畿"),
    (range(31, 36), "中国"),
    (range(36, 40), "四国"),
    (range(40, 48), "九州・沖縄"),
]
TEXT_SHARE = 0.7  # of the final score; the rest is profile similarity
RECOMMEND_COVERAGE = 0.25  # share of a challenge's distinctive wording a case must contain to be considered


def region_of(number: int | None) -> str:
    return next((name for numbers, name in REGIONS if number in numbers), "")


@dataclass
class Profile:
    population: int | None
    aged: float | None
    area: float | None
    prefecture_id: int | None
    prefecture_number: int | None
    prefecture_name: str = ""

    @property
    def density(self) -> float | None:
        return self.population / self.area if self.population and self.area else None


@dataclass
class Recommendation:
    case: Case
    score: float
    text_score: float
    profile_score: float
    reasons: list[str]
    matched: str = ""  # the challenge (or text) it answers


# The parts of a profile's similarity: what each weighs when the figures are equal, and the distance at which it
# falls to nothing (population and density as log ratios: ten times, thirty times; the share aged 65+ in points).
SIZE_WEIGHT, SIZE_SCALE = 0.35, math.log(10)
AGEING_WEIGHT, AGEING_SCALE = 0.25, 0.15
DENSITY_WEIGHT, DENSITY_SCALE = 0.2, math.log(30)
SAME_PREFECTURE, SAME_REGION = 0.2, 0.12


def profile_similarity(ours: Profile, theirs: Profile, *, explain: bool = True) -> tuple[float, list[str]]:
    """0–1 with the reasons a person can check: size, ageing, density, place. Without `explain`, the score alone
    (ranking 10,000 cases by profile writes no sentence for the 9,990 not shown)."""
    score, reasons = 0.0, []
    if ours.population and theirs.population:
        near = max(0.0, 1 - abs(math.log(theirs.population / ours.population)) / SIZE_SCALE)
        score += SIZE_WEIGHT * near
        if explain and near >= 0.7:
            reasons.append(
                _("Population of a similar size (%(theirs)s / yours %(ours)s)")
                % {"theirs": f"{theirs.population:,}", "ours": f"{ours.population:,}"}
            )
    if ours.aged is not None and theirs.aged is not None:
        near = max(0.0, 1 - abs(theirs.aged - ours.aged) / AGEING_SCALE)
        score += AGEING_WEIGHT * near
        if explain and abs(theirs.aged - ours.aged) <= 0.03:
            reasons.append(
                _("Similar share aged 65 and over (%(theirs)s%% / yours %(ours)s%%)")
                % {"theirs": f"{theirs.aged * 100:.1f}", "ours": f"{ours.aged * 100:.1f}"}
            )
    if ours.density and theirs.density:
        near = max(0.0, 1 - abs(math.log(theirs.density / ours.density)) / DENSITY_SCALE)
        score += DENSITY_WEIGHT * near
        if explain and near >= 0.8:
            reasons.append(_("Similar population density"))
    if ours.prefecture_id and ours.prefecture_id == theirs.prefecture_id:
        score += SAME_PREFECTURE
        if explain:
            reasons.append(_("Same prefecture (%(name)s)") % {"name": ours.prefecture_name})
    elif region_of(ours.prefecture_number) and region_of(ours.prefecture_number) == region_of(
        theirs.prefecture_number
    ):
        score += SAME_REGION
        if explain:
            reasons.append(_("Same region (%(name)s)") % {"name": region_of(theirs.prefecture_number)})
    return score, reasons


def profile_score_sql(ours: Profile) -> Any:
    """profile_similarity()'s score as an SQL expression over a case's snapshot, for ranking a whole library in
    the database: each part counts only where the case has the figure, as there."""
    zero = Value(0.0)

    def near(distance: Any, scale: float) -> Any:  # max(0, 1 − distance / scale)
        return Greatest(zero, Value(1.0) - distance / Value(scale))

    parts: list[Any] = []
    if ours.population:
        log_ratio = Abs(Ln(Cast("population", FloatField())) - Value(math.log(ours.population)))
        parts.append(
            SqlCase(When(population__gt=0, then=Value(SIZE_WEIGHT) * near(log_ratio, SIZE_SCALE)), default=zero)
        )
    if ours.aged is not None:
        gap = Abs(Cast("aged_65_share", FloatField()) - Value(ours.aged))
        parts.append(
            SqlCase(
                When(aged_65_share__isnull=False, then=Value(AGEING_WEIGHT) * near(gap, AGEING_SCALE)),
                default=zero,
            )
        )
    if ours.density:
        log_ratio = Abs(
            Ln(Cast("population", FloatField()))
            - Ln(Cast("area_km2", FloatField()))
            - Value(math.log(ours.density))
        )
        parts.append(
            SqlCase(
                When(
                    population__gt=0, area_km2__gt=0, then=Value(DENSITY_WEIGHT) * near(log_ratio, DENSITY_SCALE)
                ),
                default=zero,
            )
        )
    numbers = next((list(n) for n, _name in REGIONS if ours.prefecture_number in n), [])
    place = [When(prefecture_id=ours.prefecture_id, then=Value(SAME_PREFECTURE))] if ours.prefecture_id else []
    if numbers:
        place.append(When(prefecture__number__in=numbers, then=Value(SAME_REGION)))
    if place:
        parts.append(SqlCase(*place, default=zero))
    return sum(parts[1:], parts[0]) if parts else zero


def profile_of(municipality) -> Profile:
    return Profile(
        municipality.population,
        float(municipality.aged_65_share) if municipality.aged_65_share is not None else None,
        float(municipality.area_km2) if municipality.area_km2 else None,
        municipality.prefecture_id,
        municipality.prefecture.number,
        municipality.prefecture.name,
    )


def open_challenges(scope, municipality, count: int = 10):
    from banso.hearings.models import Challenge

    challenges = scope.filter(Challenge.objects.filter(municipality=municipality, status=Challenge.Status.OPEN))
    return list(challenges.order_by("priority", "-impact", "-urgency", "pk")[:count])


def recommend(scope, municipality, *, texts: list[tuple[str, str]] | None = None, limit: int = 10, exclude=()):
    """Published cases of other municipalities for this one: relevance to its open challenges (or to the given
    (label, text) pairs) and similarity of profile, each with its reasons. `exclude`: case ids not to offer
    (the case a measure was adopted from)."""
    from_challenges = texts is None
    if texts is None:
        texts = [(c.title, f"{c.title} {c.description}") for c in open_challenges(scope, municipality)]
    words = [text_word(text, label=label) for label, text in texts if text.strip()]
    candidates = published_cases(scope).exclude(municipality=municipality).exclude(pk__in=list(exclude))
    ours = profile_of(municipality)
    if words:
        INDEX.prepare(words, max_share=0.25, top=25)
        for word in words:  # lenient: a case answers a challenge with a quarter of its distinctive words
            word.thresholds = [max(1, math.ceil(RECOMMEND_COVERAGE * len(k))) for k in word.known]
        hits = INDEX.search(words, require="any", within=candidates, fields=PROFILE_FIELDS, limit=300)
        top_score = max((h.score for h in hits), default=1)
        scored = [_scored(h.obj_id, h.row, ours, words, h.coverage, h.score / top_score) for h in hits]
    else:
        # Only the profile speaks: the database ranks every case by the same score (profile_score_sql), and
        # the few it puts first are scored again here, exactly, and explained.
        best = candidates.annotate(profile=profile_score_sql(ours)).order_by("-profile", "pk")[: limit * 3]
        scored = [_scored(r[0], r[1:], ours, [], [], 0.0) for r in best.values_list("id", *PROFILE_FIELDS)]
    scored.sort(key=lambda s: (-s[1], s[0]))
    top = scored[:limit]
    by_id = Case.objects.select_related("municipality", "prefecture").in_bulk([s[0] for s in top])
    result = []
    text_of = dict(texts)
    for obj_id, score, text_score, profile_score, reasons, matched in top:
        case = by_id[obj_id]
        if matched and text_score and (shared := shared_words(text_of.get(matched, ""), _case_text(case))):
            reasons.insert(0, _shared_reason(shared, matched if from_challenges else ""))
        result.append(Recommendation(case, round(score, 4), text_score, profile_score, reasons, matched))
    return result


def _case_text(case: Case) -> str:
    return " ".join([case.title, case.summary, case.background, case.actions, case.results_qualitative])


def _shared_reason(words: list[str], challenge: str) -> str:
    """The words a case shares with what it was found for: named, so a person can check them. A challenge is
    named too; a measure's or a typed text is not (it is on the page already, and is not "a challenge")."""
    if challenge:
        return _("Shares %(words)s with the challenge “%(challenge)s”") % {
            "words": "・".join(words),
            "challenge": challenge,
        }
    return _("Shares the words %(words)s") % {"words": "・".join(words)}


def _profile(row) -> Profile:
    population, aged, area, prefecture_id, number = row
    return Profile(
        population, float(aged) if aged is not None else None, float(area) if area else None, prefecture_id, number
    )


def _scored(obj_id, row, ours: Profile, words: list[Word], coverage: list[float], relative_score: float):
    profile_score, reasons = profile_similarity(ours, _profile(row))
    text_score, matched = 0.0, ""
    if words:
        best = max(range(len(words)), key=lambda i: (coverage[i], -i))
        matched = words[best].text
        # How much of the challenge it shares, and how strongly (rare words, in the title) against the best.
        text_score = (coverage[best] + relative_score) / 2
        score = TEXT_SHARE * text_score + (1 - TEXT_SHARE) * profile_score
    else:
        score = profile_score
    return obj_id, score, text_score, profile_score, reasons, matched
