"""The structure of 金山町's DX plan (R7.5 edition), entered through the services as a DX office would.

Facts (numbers, names, years, targets) are the plan's; every sentence is
written here in our own words. The plan names no owner department per measure,
so all measures belong to the 広報・DX推進係 the plan says was set up to drive them.
"""

import datetime as dt
from decimal import Decimal

from banso.orgs.models import Department, Municipality, Prefecture
from banso.plans import services
from banso.plans.models import FundingScheme

PLAN = {
    "title": "金山町DX推進事業計画",
    "start_year": 2023,
    "end_year": 2027,
    "concept": "あそびに、かえる",
    "vision": "デジタルは暮らしを続けるための手段。町民の生活が幸福なものへ変わっている状態をDXと呼び、誰も取り残さない変化を目指す。",
    "background": "人口は昭和25年の10,299人から令和6年1月末の4,780人へ半分以下に減り、高齢化率は約40%。担い手不足が地域の課題の根にある。",
}

PHASES = [
    (1, "町役場内部のデジタイゼーション", 2023, 2024, "業務の合理化"),
    (2, "町民に提供するサービスのデジタライゼーション", 2024, 2027, "提供価値の向上"),
    (3, "町民の生活のDX", 2025, 2027, "生活の変革"),
]

# number, title, purpose, audience, content, steps {year: text}, goal text, KPIs [(name, unit, target year, value, baseline)]
MEASURES = [
    (
        "3-1",
        "防災情報配信システム整備事業（行政情報ナビアプリ）",
        "町から町民へ情報を早く届けるため、デジタルで情報を受け取る基盤をつくる。",
        "全町民",
        "手持ちの携帯端末でアプリを使ってもらうか、希望世帯にタブレットを1台配り、災害時の連絡に加えて平時のお知らせや見守りにも使う。",
        {
            2023: "事業全体の計画（配布端末の選定、機能の整理）とネット環境の調査",
            2024: "高齢者向けデジタルデバイド対策（ニコデジかねやま）、希望世帯へのタブレット配布、アプリ配信の開始",
            2025: "本格運用の開始と、かねやまデジタルソーター委嘱による操作サポート体制の強化",
        },
        "",
        [
            ("行政情報配信に対する町民満足度", "%", 2027, "70", None),
            ("行政情報配信数", "件/年", 2025, "100", None),
        ],
    ),
    (
        "3-2",
        "デジタル人材の育成",
        "デジタルによる変革を生むには職員の知識と力が要るため、計画的に人材を育てる。",
        "全職員",
        "アドバイザー企業を講師に全職員研修を行い、これからの事業を担うDX推進リーダーを育てる。",
        {
            2023: "事業に関わる職員の企画力とデジタル人材の底上げ",
            2024: "各種研修の受講とDX推進リーダーの育成",
            2025: "DX推進リーダー育成研修（職員9名に通年の研修と視察）",
        },
        "次世代を担うDX推進リーダーを3〜5名育てる（R7）",
        [("DX推進リーダーの人数", "名", 2025, "3", None)],
    ),
    (
        "3-3",
        "行政手続きのデジタル化と窓口改革",
        "町民が自分の時間に合わせて手続きできるよう、オンライン申請やキャッシュレス決済を広げ、窓口を分かりやすくする。",
        "各サービスの利用者",
        "マイナポータルややまがたe申請を使って手続きをオンライン化し、窓口SaaSの導入を検討、受付を集約した窓口を設ける。第2庁舎も活用する。",
        {
            2023: "オンライン申請機能の整理とスマート窓口の計画",
            2024: "ワンストップ窓口やホームページなどフロントヤード改革の計画",
            2025: "総合窓口とオンライン申請拡充の開始、フロントヤード改革の計画、第2庁舎への一部移転",
        },
        "",
        [
            ("オンライン手続きサービス数", "件", 2026, "100", ("28", dt.date(2025, 5, 1))),
            ("窓口対応の満足度", "%", 2026, "100", None),
        ],
    ),
    (
        "3-4",
        "使われるホームページと時代に合った情報発信",
        "オンライン申請やアプリを使いやすくするためホームページを見直し、SNSや動画で町の魅力を届ける。",
        "各サービスの利用者",
        "検索しやすいページへの改善、オープンデータや町の歴史の掲載、インスタグラムやライン、動画での発信を充実させる。",
        {
            2023: "オープンデータの公開と町公式インスタグラムの開始",
            2024: "ホームページ機能の見直し計画、情報配信ツールの整理、デジタルアーカイブの導入",
            2025: "ホームページのリニューアルとアプリによる情報発信の本格運用",
        },
        "",
        [
            ("町公式インスタグラム登録者数", "人", 2025, "7000", None),
            ("ホームページアクセス数", "件/年", 2027, "50000", None),
        ],
    ),
    (
        "3-5",
        "行政事務の効率化",
        "職員が減っていく中で、業務を見直して余力を生み、対面サービスの充実と情報の安全な取扱いにつなげる。",
        "行政機関内部",
        "電子決裁や内部事務システム、チャットツール、ペーパーレス会議、テレワークを取り入れ、個人情報保護と情報セキュリティを徹底する。",
        {
            2023: "電子決裁・文書管理・内部事務システムの導入計画、庁内PC環境の見直し、チャットツールと電子契約の導入、リモートワークや時差出勤の制度化",
            2024: "電子決裁・文書管理・内部事務システムの運用開始、議会のペーパーレス化、基幹系システムの標準仕様への移行、ICTリテラシー・情報セキュリティ研修",
            2025: "フロントヤード改革と合わせた機構改革と業務の見直しの検討",
        },
        "",
        [
            ("1日あたりの事務の効率化", "時間", 2026, "1", None),
            ("情報セキュリティ研修の受講率", "%", 2025, "100", None),
        ],
    ),
    (
        "3-6",
        "各分野のデジタル活用の推進",
        "福祉・産業・健康・教育・環境の各分野で、デジタルで「より便利に、より元気に」なる仕組みをつくる。",
        "各分野関係者",
        "福祉のオンライン相談、スマート農業やキャッシュレス決済、健康データの活用、教員の働き方改革、除雪の積雪モニタリング、コンビニ交付や生成AIの活用など。",
        {2023: "分野ごとにDX事業を検討し、順に導入する（以降も継続）"},
        "実施する事業ごとにKPIを設定する",
        [],
    ),
    (
        "3-7",
        "広域DXの推進",
        "同じ生活圏の新庄・最上地域で行政サービスの連携が足りないため、最上地区DX担当者連絡協議会で広域DXを検討する。",
        "最上地域町村の住民、企業及び各行政・教育機関",
        "施策の内容は令和7年度に検討する。",
        {},
        "",
        [],
    ),
]

FUNDING = ["新しい地方経済・生活環境創生交付金（デジタル実装型）", "デジタル活用推進事業債"]


def enter_kaneyama_plan():
    prefecture, _ = Prefecture.objects.get_or_create(code="060003", defaults={"number": 6, "name": "山形県"})
    town, _ = Municipality.objects.get_or_create(
        code="063614", defaults={"prefecture": prefecture, "name": "金山町", "kind": Municipality.Kind.TOWN}
    )
    owner, _ = Department.objects.get_or_create(municipality=town, name="広報・DX推進係")
    services.funding_schemes_ensure()
    funding = list(FundingScheme.objects.filter(name__in=FUNDING))
    plan = services.plan_save(municipality=town, **PLAN)
    for order, name, start, end, goal in PHASES:
        services.phase_save(plan=plan, order=order, name=name, start_year=start, end_year=end, goal=goal)
    for number, title, purpose, audience, content, steps, goal, kpis in MEASURES:
        measure = services.measure_save(
            plan=plan,
            number=number,
            title=title,
            owner=owner,
            steps=steps,
            purpose=purpose,
            audience=audience,
            content=content,
            goal=goal,
            funding=funding,
        )
        for name, unit, year, value, baseline in kpis:
            services.kpi_save(
                measure=measure,
                name=name,
                unit=unit,
                targets={year: Decimal(value)},
                baseline_value=Decimal(baseline[0]) if baseline else None,
                baseline_date=baseline[1] if baseline else None,
            )
    return plan
