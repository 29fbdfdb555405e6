"""The structure of 兵庫県's 令和6年度 regional DX programme (`004_…`), entered through the services.

Facts (towns, themes, providers and their roles, the three outcome categories, the status date) are the
programme's; every sentence is written here in our own words.
"""

import datetime as dt

from banso.orgs.models import Municipality, Prefecture, SupportProvider
from banso.programs import services

AS_OF = dt.date(2024, 10, 31)  # 令和6年10月時点

# name, code, kind, theme, [(provider, role)], vision, people, implementation, next steps
TOWNS = [
    (
        "尼崎市",
        "282022",
        "city",
        "「観光DX」を突破口に市政のDXを推進",
        [("(株)電通総研", "representative"), ("Acall(株)", "resident")],
        "観光にかかわる複数の部門の体制と役割を整理し、会議体を決めて進み具合と意思決定を関係者に見えるようにした。",
        "職員が課題の把握とデータの抽出・整理・分析の手順を身につけた。",
        "観光戦略にもとづくアクションプランを作り、観光DXの実装を早めた。",
        "観光戦略の策定支援を続け、データにもとづくKPIと振り返りの仕組み（PDCA）を関係者と合意する。観光データを蓄えるDMPの検討を支える。",
    ),
    (
        "西宮市",
        "282049",
        "city",
        "「窓口DX」で市民の利便性を向上",
        [("Acall(株)", "representative")],
        "部門を横断する窓口DX推進チームができ、枠組みを使った事前の検討で庁内の合意形成が円滑になった。DXよろず相談会で機運も高まった。",
        "プロジェクトを滞りなく管理する方法を身につけた。",
        "職員が市民役になる窓口体験調査を行い、次年度以降の窓口DXの具体策と計画の準備を進めた。",
        "デジタル推進課の職員が自らプロジェクトを管理できるよう伴走する。窓口体験調査の結果から次年度以降の具体策と計画を詰める。",
    ),
    (
        "加西市",
        "282201",
        "city",
        "「教育DX」で子どもの学びの質を向上",
        [("(株)ジオグリフ", "representative")],
        "教育DXにかかわる関係者とその課題を見える化し、義務教育に閉じない部門横断の意識が育ってきた。",
        "業務プロセスを意識することとプロジェクト管理の大切さを認識した。",
        "教職員の働き方ガイドライン、次世代校務支援システムの導入体制と計画、教育データ活用のロードマップを作った。",
        "STEAMプログラムや非認知能力指標とも連動させて将来像を具体化し、個人情報の扱いを整理したうえで教育データ活用のロードマップと来年度の事業計画を支える。",
    ),
    (
        "多可町",
        "283657",
        "town",
        "「保健福祉DX」を中心に持続する地域づくりを推進",
        [("(株)ジオグリフ", "representative")],
        "職員参加のワークショップと先進自治体の職員の招聘で、庁内全体でDXを考える機会をつくり機運を高めた。",
        "予防接種アプリの業務フローを検証するなかで、住民と事業者の視点で関係者を洗い出す大切さを学んだ。",
        "情報システムの中期計画とDX業務改善計画の必要性を確認し、予防接種アプリの仕様をまとめた。",
        "各課の情報システムを洗い出したうえで、中期計画とDX業務改善計画の策定を支える。予防接種アプリの導入と運用体制を整え、ケアマネージャー業務のデジタル化を次年度の計画につなげる。",
    ),
    (
        "上郡町",
        "284815",
        "town",
        "「農業DX」で農業・農村の持続性を向上",
        [("(株)ジオグリフ", "representative")],
        "町と有志の農家・事業者が連携する体制をつくり、販売の出口からDXを生産へ広げる方針に気づいた。",
        "生産技術だけでなく出口からDXを進める大切さを認識した。",
        "地元農産物をオンラインショップに出品する仕組みと、導入済みツールの次年度以降の活用計画を作った。",
        "総務課・農林振興課・地域振興課の協議の場をつくり、スマートグラスなど導入済みツールを評価する。出品の仕組みと物流を支える体制を整え、事業計画にまとめる。",
    ),
    (
        "豊岡市",
        "282090",
        "city",
        "「配送DX」を中心に地域DXを推進",
        [("(一社)コード・フォー・ジャパン", "representative")],
        "住民の合意形成を着実に進め、住民を含む関係者を巻き込んだ配送DXの体制を強めた。",
        "DX研修で住民参加とサービスづくりに役立つ手法を学んだ。",
        "実証実験を通じて配送DXの中長期の実装計画を検討した。",
        "年内の実証実験に向けて、具体的な配送モデルと住民との実験の仕様の調整を支える。",
    ),
]


def enter_hyogo_programme():
    prefecture, _ = Prefecture.objects.get_or_create(code="280003", defaults={"number": 28, "name": "兵庫県"})
    programme = services.programme_save(
        title="地域デジタル基盤活用推進事業（推進体制構築支援）",
        owner_prefecture=prefecture,
        starts_on=dt.date(2024, 4, 1),
        ends_on=dt.date(2025, 3, 31),
        funding="総務省 地域デジタル基盤活用推進事業",
        description="県の呼びかけに応じた6市町が伴走支援事業者の専門人材とともに地域DXのモデルをつくり、県内へ広げる。",
    )
    for name, code, kind, theme, providers, vision, people, implementation, next_steps in TOWNS:
        town, _ = Municipality.objects.get_or_create(
            code=code, defaults={"prefecture": prefecture, "name": name, "kind": kind}
        )
        chosen = [(SupportProvider.objects.get_or_create(name=p)[0], role) for p, role in providers]
        services.participant_save(programme=programme, municipality=town, theme=theme, providers=chosen)
        services.snapshot_save(
            municipality=town,
            programme=programme,
            as_of=AS_OF,
            vision=vision,
            people=people,
            implementation=implementation,
            next_steps=next_steps,
        )
    return programme
