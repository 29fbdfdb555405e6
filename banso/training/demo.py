"""サンプル町's trainings and help desk: staff, a required security course, a DX leader course with a support
provider, smartphone classes for residents, a questionnaire imported through the real pipeline, and eight months
of help-desk questions. Two plan KPIs take their values from here."""

import datetime as dt
import random
import tempfile
from pathlib import Path

from django.utils import timezone

from banso.orgs.models import SupportProvider, User
from banso.tracking.models import AutomaticActual
from banso.training import questionnaire, services
from banso.training.models import AgeBand, Audience, Course, StaffMember

FAMILY = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
]
GIVEN = ["一郎", "美咲", "翔太", "陽子", "健", "由美", "大輔", "恵", "誠", "直子", "学", "洋子"]
SECURITY = "情報セキュリティ研修"
LEADERS = "DX推進リーダー育成研修"
CLASSES = "スマホ教室（住民向け）"
QUESTIONS = [
    (
        "スマートフォンの基本操作",
        ["文字の入力がうまくできない", "画面が暗くなってしまう", "電話帳に登録したい", "文字を大きくしたい"],
    ),
    (
        "マイナンバーカード・マイナポータル",
        ["マイナポータルにログインできない", "暗証番号を忘れた", "健康保険証として使いたい"],
    ),
    ("LINE・アプリ", ["LINEで写真を送りたい", "町のLINEを友だち登録したい", "アプリの入れ方が分からない"]),
    ("オンライン申請", ["オンライン申請の入力方法が分からない", "申請の写真の撮り方"]),
    ("詐欺・セキュリティ", ["不審なメッセージが届いた", "パスワードの決め方"]),
]
COMMENTS = [
    "説明が分かりやすかった",
    "少し難しかった",
    "時間が短く感じた",
    "業務ですぐに使えそう",
    "次回はもっと実践的な内容を希望",
    "資料が見やすかった",
    "自分の仕事に活用したい",
    "ペースが早かった",
    "また受講したい",
    "パソコンの操作に慣れていないので不安",
]


def create_sample_training(town, *, today: dt.date | None = None) -> None:
    """Idempotent: a town with courses keeps them."""
    if Course.objects.filter(municipality=town).exists():
        return
    today = today or timezone.localdate()
    rng = random.Random(3)  # noqa: S311 - made-up demo data, reproducible on purpose
    staff = _staff(town, rng)
    provider = SupportProvider.objects.filter(is_sample=True).order_by("name").first()
    security = services.course_save(
        municipality=town,
        title=SECURITY,
        audience=Audience.STAFF,
        is_required=True,
        description="全職員が年1回受ける研修。標的型メール訓練を含む。",
    )
    leaders = services.course_save(
        municipality=town,
        title=LEADERS,
        audience=Audience.STAFF,
        provider=provider,
        description="各課のDX推進リーダー候補が、業務分析・業務フロー図・ノーコードツールを学ぶ月1回の講座。",
    )
    classes = services.course_save(
        municipality=town,
        title=CLASSES,
        audience=Audience.RESIDENTS,
        description="公民館で開くスマートフォンの使い方教室。",
    )
    first = _security_sessions(security, staff, today, rng)
    _leader_sessions(leaders, staff, today)
    _classes(classes, today, rng)
    _questionnaire(first, rng)
    _helpdesk(town, today, rng)
    _bind_kpis(town)


def _staff(town, rng):
    members = []
    for department in town.departments.filter(is_active=True).order_by("order"):
        for n in range(3):
            name = f"{FAMILY[(department.order * 3 + n) % len(FAMILY)]} {GIVEN[(department.order + n * 5) % len(GIVEN)]}"
            members.append(
                services.staff_save(
                    municipality=town, department=department, name=name, staff_number=f"S{department.order:02d}{n}"
                )
            )
    user = User.objects.filter(username="dept-staff", memberships__municipality=town).first()
    mine = StaffMember.objects.filter(municipality=town, department__name="住民課").first()
    if user is not None and mine is not None:
        services.staff_save(
            municipality=town,
            staff=mine,
            department=mine.department,
            name=user.display_name or mine.name,
            staff_number=mine.staff_number,
            user=user,
        )
    return members


def _security_sessions(course, staff, today, rng):
    year = today.year if today.month >= 4 else today.year - 1
    sessions = [
        services.session_save(
            course=course, held_on=dt.date(year, 5, 20), place="役場 大会議室", instructor="総務課 情報管理係"
        ),
        services.session_save(
            course=course, held_on=dt.date(year, 6, 17), is_online=True, instructor="総務課 情報管理係"
        ),
    ]
    # Most came to one of the two sessions; a few in each department have not yet.
    came = [m for m in staff if rng.random() < 0.85]
    half = len(came) // 2
    services.attendance_set(session=sessions[0], enrolled=staff[: len(staff) // 2], attended=came[:half])
    services.attendance_set(session=sessions[1], enrolled=staff[len(staff) // 2 :], attended=came[half:])
    return sessions[0]


def _leader_sessions(course, staff, today):
    year = today.year if today.month >= 4 else today.year - 1
    chosen = staff[1::7][:5]
    for month in (5, 6, 7, 9, 10):
        session = services.session_save(
            course=course,
            held_on=dt.date(year, month, 10),
            place="役場 研修室",
            instructor="サンプル伴走支援株式会社",
        )
        services.attendance_set(session=session, enrolled=chosen, attended=chosen[: 5 if month != 9 else 4])
    for member in chosen:
        services.designation_save(staff=member, kind="leader", starts_on=dt.date(year, 4, 1))


def _classes(course, today, rng):
    for offset, place in enumerate(["中央公民館", "北地区公民館", "南地区公民館"]):
        day = today - dt.timedelta(days=30 * (offset + 1))
        session = services.session_save(
            course=course, held_on=day, place=place, instructor="企画政策課・地域おこし協力隊"
        )
        services.resident_counts_set(
            session=session,
            counts={
                AgeBand.AGE_60S: rng.randint(3, 8),
                AgeBand.AGE_70S: rng.randint(5, 12),
                AgeBand.OVER_80: rng.randint(1, 5),
            },
        )


def _questionnaire(session, rng):
    header = ["タイムスタンプ", "研修の内容は分かりやすかったですか", "業務に活かせそうですか", "感想・ご意見"]
    words = ["とてもそう思う", "そう思う", "どちらともいえない", "そう思わない"]
    lines = [",".join(header)]
    for n in range(24):
        lines.append(
            f"2025/05/20 {10 + n // 6}:{n % 6}0:00,{rng.choice(words[:3])},{rng.randint(3, 5)},{rng.choice(COMMENTS)}"
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "forms.csv"
        path.write_bytes(("\n".join(lines) + "\n").encode("cp932"))  # as Excel on Japanese Windows saves it
        table = questionnaire.read_table(path, "情報セキュリティ研修アンケート.csv")
        kinds = questionnaire.guess_kinds(table)
        checked = questionnaire.check(table, kinds, table.source_name)
        services.questionnaire_import(session=session, table=table, kinds=kinds, checked=checked)


def _helpdesk(town, today, rng):
    weights = [5, 3, 4, 2, 1]
    for n in range(72):
        topic, questions = rng.choices(QUESTIONS, weights=weights)[0]
        services.consultation_save(
            municipality=town,
            received_on=today - dt.timedelta(days=rng.randint(0, 240)),
            channel=rng.choice(["desk", "desk", "phone", "visit"]),
            requester="resident" if n % 9 else "staff",
            age_band=rng.choice(
                [AgeBand.AGE_60S, AgeBand.AGE_70S, AgeBand.AGE_70S, AgeBand.OVER_80, AgeBand.AGE_40S_50S]
            ),
            topic=topic,
            question=rng.choice(questions),
            answer="その場で操作を一緒に確認した。",
            status="answered",
            minutes=rng.choice([5, 10, 15, 20, 30]),
        )


def _bind_kpis(town):
    """The plan's leader count and security completion KPIs now read themselves from training."""
    from banso.plans.models import KPI

    for name, source, parameter in (
        ("DX推進リーダーの人数", "dx_leaders", ""),
        ("情報セキュリティ研修の受講率", "training_completion", SECURITY),
    ):
        for kpi in KPI.objects.filter(measure__plan__municipality=town, name=name):
            AutomaticActual.objects.update_or_create(
                kpi=kpi, defaults={"source_key": source, "parameter": parameter}
            )
