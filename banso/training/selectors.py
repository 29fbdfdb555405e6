"""Reads of 人材育成・相談窓口: completion by department, records, leaders, questionnaire summaries, help-desk trends."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from banso.core.fiscal import FiscalYear
from banso.text.normalize import words_folded
from banso.training.models import Attendance, Consultation, Designation, Question, ResidentCount, StaffMember


@dataclass
class DepartmentCompletion:
    department: Any
    staff: int
    done: int
    missing: list = field(default_factory=list)  # StaffMember; shown to the DX office only

    @property
    def rate(self) -> float:
        return self.done / self.staff if self.staff else 0.0


def completion(course) -> list[DepartmentCompletion]:
    """Per department: active staff, how many attended a session of the course, and who has not."""
    done_ids = set(
        Attendance.objects.filter(session__course=course, attended=True).values_list("staff_id", flat=True)
    )
    rows: dict[int, DepartmentCompletion] = {}
    staff = StaffMember.objects.filter(municipality=course.municipality, is_active=True).select_related(
        "department"
    )
    for member in staff:
        row = rows.setdefault(member.department_id, DepartmentCompletion(member.department, 0, 0))
        row.staff += 1
        if member.pk in done_ids:
            row.done += 1
        else:
            row.missing.append(member)
    return sorted(rows.values(), key=lambda r: (r.department.order, r.department.name))


def completion_rate(course) -> float | None:
    rows = completion(course)
    total = sum(r.staff for r in rows)
    return sum(r.done for r in rows) / total if total else None


def active_designations(municipality, on: dt.date, kind=None):
    found = Designation.objects.filter(staff__municipality=municipality, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )
    return found.filter(kind=kind) if kind else found


def record(staff):
    """A staff member's trainings, newest first."""
    return Attendance.objects.filter(staff=staff).select_related("session__course").order_by("-session__held_on")


def resident_attendance(municipality, year: int) -> int:
    fiscal = FiscalYear(year)
    total = ResidentCount.objects.filter(
        session__course__municipality=municipality, session__held_on__range=(fiscal.start, fiscal.end)
    ).aggregate(n=Sum("count"))["n"]
    return total or 0


# -- questionnaires ---------------------------------------------------------------------------

# Themes for free-text answers: the first whose words appear wins; the words are shown on the page.
THEMES = [
    ("分かりやすさ", ["わかりやす", "分かりやす", "難し", "むずかし", "理解", "丁寧", "簡単"]),
    ("時間・進め方", ["時間", "長い", "短い", "ペース", "早い", "速い", "休憩"]),
    ("業務での活用", ["業務", "仕事", "活用", "使え", "実践", "現場", "職場"]),
    ("次回への要望", ["希望", "ほしい", "欲しい", "もっと", "次回", "続編", "また"]),
    ("環境・機器", ["パソコン", "PC", "機器", "画面", "音声", "会場", "資料"]),
]


@dataclass
class ScaleSummary:
    question: Question
    counts: list[tuple[int, int]]  # (points, answers), highest first
    mean: float | None
    answered: int

    @property
    def bar_rows(self) -> list[dict]:
        return [{"label": str(points), "n": n} for points, n in self.counts]


def questionnaire_summary(questionnaire):
    scales, texts = [], []
    for question in questionnaire.questions.prefetch_related("answers"):
        answers = list(question.answers.all())
        if question.kind == Question.Kind.SCALE:
            counter = Counter(a.score for a in answers if a.score is not None)
            top = question.scale_max or max(counter, default=5)
            total = sum(counter.values())
            mean = sum(p * n for p, n in counter.items()) / total if total else None
            scales.append(ScaleSummary(question, [(p, counter.get(p, 0)) for p in range(top, 0, -1)], mean, total))
        else:
            texts.append((question, themed([a.text for a in answers if a.text])))
    return scales, texts


def themed(answers: list[str]) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for answer in answers:
        folded = words_folded(answer)  # the shared vocabulary: 申し込み meets 申込, スマホ meets スマートフォン
        theme = next((name for name, words in THEMES if any(words_folded(w) in folded for w in words)), "その他")
        groups[theme].append(answer)
    order = [name for name, _words in THEMES] + ["その他"]
    return [(name, groups[name]) for name in order if groups.get(name)]


# -- help desk --------------------------------------------------------------------------------

TOPICS = [
    "スマートフォンの基本操作",
    "マイナンバーカード・マイナポータル",
    "オンライン申請",
    "LINE・アプリ",
    "詐欺・セキュリティ",
    "写真・メール",
    "キャッシュレス決済",
    "庁内システム",
    "その他",
]


@dataclass
class Trends:
    months: list[dict]  # {"label", "n", "minutes"}
    topics: list[dict]  # {"label", "n"}
    ages: list[dict]
    suggestions: list[dict]  # {"topic", "n", "words"}


def trends(consultations, *, months=12, on: dt.date | None = None) -> Trends:
    on = on or timezone.localdate()
    start = (on.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    recent = consultations.filter(received_on__gte=start)
    by_month: defaultdict[Any, dict[str, int]] = defaultdict(lambda: {"n": 0, "minutes": 0})
    rows = list(recent.values("received_on", "topic", "age_band", "minutes", "question"))
    for row in rows:
        key = row["received_on"].strftime("%Y-%m")
        by_month[key]["n"] += 1
        by_month[key]["minutes"] += row["minutes"]
    topics = Counter(r["topic"] for r in rows)
    labels = dict(Consultation._meta.get_field("age_band").choices or [])  # type: ignore[arg-type]
    ages = Counter(r["age_band"] for r in rows)
    return Trends(
        months=[{"label": k, **v} for k, v in sorted(by_month.items())],
        topics=[{"label": t, "n": n} for t, n in topics.most_common()],
        ages=[{"label": str(labels.get(a, a)), "n": n} for a, n in ages.most_common()],
        suggestions=_suggestions(rows, topics),
    )


_WORDS = re.compile(r"[一-龥々]{2,}|[ァ-ヶー]{2,}|[A-Za-z]{2,}")


def _suggestions(rows, topics, count=3) -> list[dict]:
    """The most asked topics as class themes, each with the words that keep coming back in its questions
    (runs of kanji, katakana or Latin letters: 写真, アプリ, LINE)."""
    result = []
    for topic, n in topics.most_common(count):
        words: Counter[str] = Counter()
        for row in rows:
            if row["topic"] == topic:
                words.update(set(_WORDS.findall(unicodedata.normalize("NFKC", row["question"]))))
        result.append({"topic": topic, "n": n, "words": [w for w, _n in words.most_common(4)]})
    return result


def consultation_counts(municipality, year: int, topic: str = "") -> int:
    fiscal = FiscalYear(year)
    found = Consultation.objects.filter(municipality=municipality, received_on__range=(fiscal.start, fiscal.end))
    if topic:
        found = found.filter(topic=topic)
    return found.count()


def topic_counts(municipality):
    return (
        Consultation.objects.filter(municipality=municipality)
        .values("topic")
        .annotate(n=Count("id"))
        .order_by("-n", "topic")
    )


def topic_choices(used: list[dict]) -> list[str]:
    """What the topic box suggests while typing: the town's own topics (`topic_counts`), most used first, then
    Banso's starting list, so one question is filed under the words the desk already uses."""
    names = [row["topic"] for row in used]
    return names + [t for t in TOPICS if t not in names]


def similar_topics(used: list[dict]) -> list[dict]:
    """Pairs of the town's topics that look like one topic written twice: one inside the other once widths, kana
    and punctuation are set aside (「マイナポータル」 and 「マイナンバーカード・マイナポータル」). Each pair says
    which to keep: the more used one. `used`: `topic_counts`."""
    counts = [(row["topic"], row["n"]) for row in used]
    bare = {topic: re.sub(r"[\s・、,/／()（）]+", "", words_folded(topic)) for topic, _n in counts}
    pairs = []
    for i, (first, first_n) in enumerate(counts):  # most used first: the one to keep comes first
        for second, second_n in counts[i + 1 :]:
            a, b = bare[first], bare[second]
            if a and b and (a in b or b in a):
                pairs.append({"keep": first, "keep_n": first_n, "merge": second, "merge_n": second_n})
    return pairs[:20]
