"""The sample prefecture, towns and people that `banso demo` creates.

All of it is fictional and flagged `is_sample`. Codes use the prefecture part
99, which no real prefecture has: サンプル県 990001, サンプル町 999997.
"""

import datetime as dt
import functools
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from banso.core.fiscal import FiscalYear
from banso.orgs.models import (
    AdvisorAssignment,
    ComprehensivePlanGoal,
    Department,
    Membership,
    Municipality,
    Prefecture,
    Role,
    Section,
    SupportProvider,
    User,
)

DEMO_PASSWORD = "banso-demo"  # noqa: S105  (published on purpose: sample logins only)

TOWNS = [
    {
        "code": "999997",
        "name": "サンプル町",
        "name_kana": "さんぷるちょう",
        "population": 4980,
        "households": 2050,
        "aged_65_share": Decimal("0.4080"),
        "area_km2": Decimal("187.34"),
        "staff_count": 86,
        "annual_budget_thousand_yen": 4_600_000,
        "shares_with_prefecture": True,
        "main_industries": "稲作と畑作（アスパラガス）、酪農、冬のスキー場を中心とした観光。特別豪雪地帯で、除雪が町の大きな仕事です。",
        "comprehensive_plan_name": "第6次サンプル町総合計画",
        "comprehensive_plan_start": 2021,
        "comprehensive_plan_end": 2030,
    },
    {
        "code": "999989",
        "name": "見本町",
        "name_kana": "みほんちょう",
        "population": 11240,
        "households": 4630,
        "aged_65_share": Decimal("0.3370"),
        "area_km2": Decimal("96.50"),
        "staff_count": 142,
        "annual_budget_thousand_yen": 7_900_000,
        "shares_with_prefecture": True,
        "main_industries": "果樹栽培（りんご、さくらんぼ）と食品加工。",
        "comprehensive_plan_name": "見本町まちづくり計画",
        "comprehensive_plan_start": 2023,
        "comprehensive_plan_end": 2032,
    },
    {
        "code": "999971",
        "name": "手本町",
        "name_kana": "てほんちょう",
        "population": 2630,
        "households": 1180,
        "aged_65_share": Decimal("0.4610"),
        "area_km2": Decimal("240.12"),
        "staff_count": None,
        "annual_budget_thousand_yen": None,
        "shares_with_prefecture": False,
        "main_industries": "",
        "comprehensive_plan_name": "",
        "comprehensive_plan_start": None,
        "comprehensive_plan_end": None,
    },
]

DEPARTMENTS = {
    "999997": [
        ("総務課", ["総務係", "人事係", "情報管理係"], "佐藤 修"),
        ("企画政策課", ["企画係", "デジタル推進係"], "高橋 恵"),
        ("税務課", ["住民税係", "資産税係", "収納係"], "伊藤 健"),
        ("住民課", ["戸籍住民係", "国保年金係"], "渡辺 久美子"),
        ("保健福祉課", ["福祉係", "介護保険係", "健康づくり係"], "山本 大輔"),
        ("子育て支援課", ["子育て支援係", "保育係"], "中村 由美"),
        ("産業振興課", ["農林係", "商工観光係"], "小林 誠"),
        ("建設課", ["土木係", "除雪対策係"], "加藤 浩"),
        ("上下水道課", ["上水道係", "下水道係"], "吉田 学"),
        ("会計課", ["出納係"], "山田 直子"),
        ("議会事務局", [], "佐々木 聡"),
        ("教育委員会 教育総務課", ["学校教育係", "生涯学習係"], "松本 洋子"),
    ],
    "999989": [
        ("総務課", ["総務係", "財政係"], ""),
        ("企画課", ["企画係"], ""),
        ("住民課", ["住民係"], ""),
        ("福祉課", ["福祉係", "介護係"], ""),
        ("産業課", ["農政係", "商工係"], ""),
        ("建設課", ["土木係"], ""),
    ],
    "999971": [("総務課", [], ""), ("住民課", [], ""), ("産業建設課", [], "")],
}

GOALS = {
    "999997": [
        ("1", "雪とともに安心して暮らせるまち", "除雪体制と見守りで、冬も安全に暮らせる町をつくる。"),
        ("2", "農と観光で稼ぐまち", "農業の担い手を支え、スキー場を核に通年の観光をつくる。"),
        ("3", "子どもと高齢者が支え合うまち", ""),
        ("4", "学び続ける人を育てるまち", ""),
        ("5", "町民とともに進める効率的な行政", "デジタル技術で手続と業務を見直し、町民の時間を生む。"),
    ],
    "999989": [("1", "実りを未来へつなぐまち", ""), ("2", "健やかに暮らせるまち", "")],
    "999971": [("1", "小さな拠点で暮らしを守るまち", "")],
}

PROVIDERS = [
    ("サンプル伴走支援株式会社", "自治体のDX推進計画づくりと職員研修を支援する（架空の）会社です。"),
    ("みほんデジタル合同会社", "窓口改革と業務システムの導入を支援する（架空の）会社です。"),
]

# (username, display name, role, town code, department, prefecture?, provider?, title)
PEOPLE = [
    ("dx-staff", "高橋 美咲", Role.DX_STAFF, "999997", None, "企画政策課 デジタル推進係"),
    ("dept-staff", "渡辺 翔太", Role.DEPARTMENT_STAFF, "999997", "住民課", "戸籍住民係"),
    ("mayor", "山口 一郎", Role.EXECUTIVE, "999997", None, "町長"),
    ("pref-staff", "森 さやか", Role.PREFECTURE_STAFF, None, None, "サンプル県 デジタル推進課"),
    ("advisor", "石井 健太", Role.ADVISOR, None, None, "DX推進アドバイザー"),
    ("other-dx", "原田 真一", Role.DX_STAFF, "999989", None, "企画課 企画係"),
]


@transaction.atomic
def create_sample(today: dt.date | None = None) -> list[dict]:
    """Create or refresh the sample data; returns the logins to print."""
    today = today or timezone.localdate()
    pref, _ = Prefecture.objects.update_or_create(
        code="990001",
        defaults={"number": 99, "name": "サンプル県", "name_kana": "さんぷるけん", "is_sample": True},
    )
    towns = {spec["code"]: _town(pref, spec) for spec in TOWNS}
    for code, departments in DEPARTMENTS.items():
        _departments(towns[code], departments)
    for code, goals in GOALS.items():
        for number, title, description in goals:
            ComprehensivePlanGoal.objects.update_or_create(
                municipality=towns[code], number=number, defaults={"title": title, "description": description}
            )
    providers = [
        SupportProvider.objects.update_or_create(name=name, defaults={"description": text, "is_sample": True})[0]
        for name, text in PROVIDERS
    ]
    logins = [_person(row, towns, pref, providers[0]) for row in PEOPLE]
    _assignments(towns, providers[0], today)
    _operator()
    return logins


def _town(pref, spec) -> Municipality:
    town, _ = Municipality.objects.update_or_create(
        code=spec["code"],
        defaults={
            **spec,
            "prefecture": pref,
            "kind": Municipality.Kind.TOWN,
            "census_year": 2020,
            "is_sample": True,
        },
    )
    return town


def _departments(town, departments) -> None:
    for order, (name, sections, head) in enumerate(departments, start=1):
        department, _ = Department.objects.update_or_create(
            municipality=town,
            name=name,
            defaults={
                "order": order * 10,
                "head_name": head,
                "head_email": f"head{order:02d}@{town.code}.example.jp" if head else "",
            },
        )
        for s_order, section in enumerate(sections, start=1):
            Section.objects.update_or_create(department=department, name=section, defaults={"order": s_order})


@functools.cache
def _demo_password_hash() -> str:
    """One Argon2 hash for every sample login: hashing is slow on purpose, and they share the password."""
    return make_password(DEMO_PASSWORD)


def _person(row, towns, pref, provider) -> dict:
    username, display_name, role, town_code, department_name, title = row
    user, created = User.objects.get_or_create(username=username, defaults={"display_name": display_name})
    if created or not user.check_password(DEMO_PASSWORD):
        user.password = _demo_password_hash()
        user.display_name = display_name
        user.email = f"{username}@example.jp"
        user.save()
    town = towns.get(town_code)
    scope = {
        Role.DX_STAFF: {"municipality": town},
        Role.EXECUTIVE: {"municipality": town},
        Role.DEPARTMENT_STAFF: {
            "municipality": town,
            "department": Department.objects.filter(municipality=town, name=department_name).first(),
        },
        Role.PREFECTURE_STAFF: {"prefecture": pref},
        Role.ADVISOR: {"provider": provider},
    }[role]
    Membership.objects.update_or_create(
        user=user, role=role, **scope, defaults={"title": title, "is_active": True}
    )
    return {
        "username": username,
        "password": DEMO_PASSWORD,
        "name": display_name,
        "role": role.label,
        "where": title,
    }


def _assignments(towns, provider, today) -> None:
    advisor = User.objects.get(username="advisor")
    fy = FiscalYear.of(today)
    plans = [
        ("999997", "DX推進アドバイザー", fy.start, (fy + 1).end, 40),
        ("999989", "デジタル推進室長（外部人材）", fy.start, fy.end, 20),
        ("999971", "DX推進アドバイザー", (fy - 1).start, (fy - 1).end, 20),  # ended: access has lapsed
    ]
    for code, title, starts, ends, share in plans:
        AdvisorAssignment.objects.update_or_create(
            advisor=advisor,
            provider=provider,
            municipality=towns[code],
            defaults={"title": title, "starts_on": starts, "ends_on": ends, "time_share_percent": share},
        )


def _operator() -> None:
    """The operator of the installation, for the Django admin back office."""
    user, created = User.objects.get_or_create(
        username="admin", defaults={"display_name": "システム管理者", "is_staff": True, "is_superuser": True}
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.password = _demo_password_hash()
        user.save()
