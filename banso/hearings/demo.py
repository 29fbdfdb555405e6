"""Hearings for サンプル町: the 12 departments and the mayor, as 中富良野町 did, with the challenges they raised."""

import datetime as dt

from django.utils import timezone

from banso.hearings import services
from banso.hearings.models import ChallengeTheme, HearingSession
from banso.orgs.models import Department
from banso.survey.models import SurveyTask

# department (None: the mayor), [(challenge, theme, impact, urgency, feasibility, details, survey task)]
HEARINGS: list[tuple[str | None, list[tuple[str, str, int, int, int, str, str | None]]]] = [
    (
        "住民課",
        [
            (
                "窓口で同じことを何度も書かせている",
                "窓口・手続",
                5,
                4,
                4,
                "転入の際に住所・氏名を5枚以上の様式に書いてもらっている。",
                "転入・転出の届出受付",
            ),
            (
                "証明書のためだけに来庁する高齢者が多い",
                "窓口・手続",
                4,
                3,
                3,
                "冬は雪道で来庁が負担になっている。",
                "住民票の写しの交付",
            ),
        ],
    ),
    (
        "保健福祉課",
        [
            (
                "要介護認定の訪問調査が紙で、転記に時間がかかる",
                "業務効率化",
                5,
                5,
                4,
                "年700件の申請に対し調査員は1名。委託料も上がっている。",
                "要介護認定の申請受付と訪問調査",
            ),
            (
                "独居高齢者の見守り記録が共有されていない",
                "福祉・子育て",
                4,
                4,
                3,
                "訪問記録が紙で、担当が休むと状況が分からない。",
                "高齢者の見守り訪問",
            ),
        ],
    ),
    (
        "税務課",
        [
            (
                "確定申告の時期に窓口が混み合う",
                "窓口・手続",
                4,
                3,
                2,
                "2〜3月に職員2名が相談にかかりきりになる。",
                "確定申告の受付相談",
            ),
            ("口座振替の申込に届出印が必要で手間がかかる", "窓口・手続", 3, 2, 4, "", "口座振替の申込受付"),
        ],
    ),
    (
        "建設課",
        [
            (
                "除雪の要望や苦情の電話が朝に集中する",
                "防災・インフラ",
                4,
                5,
                3,
                "大雪の朝は電話が鳴りやまず、除雪車の配車判断が遅れる。",
                "道路の除雪に関する苦情・要望対応",
            ),
            ("除雪車がどこを走っているか住民に伝わらない", "情報発信", 3, 3, 3, "", "除雪車の運行管理"),
        ],
    ),
    (
        "総務課",
        [
            ("紙の文書の受付と回付に毎日時間を取られている", "業務効率化", 3, 2, 5, "", "文書の収受・発送"),
            (
                "職員のITスキルにばらつきがある",
                "人材・体制",
                4,
                3,
                4,
                "DXを進める人が企画政策課の数名に限られている。",
                None,
            ),
        ],
    ),
    (
        "企画政策課",
        [
            ("文書の受付と回付に時間がかかる", "業務効率化", 3, 2, 5, "", "文書収受事務"),
            (
                "町の情報が必要な人に届いていない",
                "情報発信",
                4,
                3,
                4,
                "広報紙と防災無線だけでは若い世代に届かない。",
                None,
            ),
        ],
    ),
    (
        "産業振興課",
        [
            (
                "農業補助金の申請書類が多く、農家の負担になっている",
                "地域・産業",
                3,
                3,
                3,
                "",
                "農業者への補助金交付",
            ),
        ],
    ),
    (
        None,
        [
            (
                "職員が減っても住民サービスの質を落とさない",
                "人材・体制",
                5,
                4,
                2,
                "町長：10年後に職員が2割減っても回る役場にしたい。",
                None,
            ),
        ],
    ),
]


def create_sample_hearings(town, *, today: dt.date | None = None) -> None:
    if HearingSession.objects.filter(municipality=town).exists():
        return
    today = today or timezone.localdate()
    services.themes_ensure(town)
    themes = {t.name: t for t in ChallengeTheme.objects.filter(municipality=town)}
    tasks = {t.name: t for t in SurveyTask.objects.filter(survey_round__municipality=town)}
    for offset, (department_name, challenges) in enumerate(HEARINGS):
        department = (
            Department.objects.filter(municipality=town, name=department_name).first() if department_name else None
        )
        session = services.session_save(
            municipality=town,
            department=department,
            held_on=today - dt.timedelta(days=60 - offset * 3),
            title=f"{department_name or '町長'}ヒアリング",
            attendees="企画政策課 デジタル推進係、伴走支援アドバイザー",
            notes="1時間。業務の流れと困りごとを伺った。",
        )
        for title, theme, impact, urgency, feasibility, details, task in challenges:
            linked = [tasks[task]] if task in tasks else []
            services.challenge_save(
                municipality=town,
                session=session,
                department=department,
                title=title,
                description=details,
                theme=themes[theme],
                impact=impact,
                urgency=urgency,
                feasibility=feasibility,
                priority="",
                priority_reason="",
                survey_tasks=linked,
            )
    # The project team moved one challenge up after discussing it, with the reason written down.
    staff = town.challenges.get(title="職員のITスキルにばらつきがある")
    services.challenge_save(
        municipality=town,
        challenge=staff,
        priority="top",
        priority_reason="全ての施策の前提になるため、プロジェクトチームの協議で最優先とした。",
    )
