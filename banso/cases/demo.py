"""The case library of the demo: the cases written from the seed documents, a published case of 見本町 and a case
of サンプル町 waiting for the prefecture's review."""

from banso.cases import seeds, services
from banso.cases.models import Case
from banso.orgs.models import Municipality, User

OTHER_TOWN_CASE = {
    "title": "LINEで粗大ごみ収集を申し込めるようにして、電話の受付を半分に",
    "summary": "粗大ごみ収集の申込みをLINE公式アカウントから受け付け、品目と料金を案内する仕組みにした。"
    "電話での受付が半分ほどに減り、担当者は収集日の調整に時間を使えるようになった。",
    "theme": Case.Theme.FRONT_OFFICE,
    "kind": Case.Kind.SERVICE,
    "start_year": 2025,
    "end_year": 2025,
    "background": "粗大ごみの申込みは電話だけで、繁忙期には担当2名が受付にかかりきりだった。",
    "actions": "LINE公式アカウントに申込みフォームを設け、品目ごとの料金と収集日を自動で案内した。"
    "電話での申込みも残し、高齢者には窓口で操作を案内した。",
    "organisation": "環境衛生係、企画課 企画係（DX担当）。",
    "cost": "LINE公式アカウントの運用費のみ（既存の契約の範囲）。",
    "results_quantitative": "電話での受付件数：月約120件 → 約60件（半年後）。",
    "results_qualitative": "夜間や休日にも申し込めるようになったと好評。",
    "difficulties": "品目の名前が住民によって違うため、よくある呼び方を選択肢に加えた。",
    "sources": [{"title": "見本町 広報みほん 令和7年10月号", "published_on": None, "url": ""}],
}
SAMPLE_TOWN_CASE = {
    "title": "転入手続の「書かない窓口」を住民課で試行",
    "summary": "転入の届出で、職員が聞き取りながら端末に入力し、住民は確認して署名するだけにした。記入する用紙の枚数が4枚から2枚に減った。",
    "theme": Case.Theme.FRONT_OFFICE,
    "kind": Case.Kind.PILOT,
    "background": "転入の手続では、住民が同じ住所や氏名を何枚もの用紙に書いていた。",
    "actions": "住民課の窓口に端末を置き、聞き取った内容から届出書を印刷する流れを試した。",
    "organisation": "住民課、総務課 DX推進係。",
    "results_quantitative": "転入1件あたりの記入枚数：4枚 → 2枚。",
    "sources": [{"title": "サンプル町 住民課「書かない窓口」試行の記録", "published_on": None, "url": ""}],
}


def create_sample_cases() -> None:
    """Idempotent: the seed cases are refreshed; the sample towns' cases are made once."""
    seeds.load()
    other = Municipality.objects.get(code="999989")
    if not Case.objects.filter(municipality=other).exists():
        case = services.case_save(municipality=other, **OTHER_TOWN_CASE)
        services.case_transition(
            case=case, to_status=Case.Status.IN_REVIEW, user=User.objects.filter(username="other-dx").first()
        )
        services.case_transition(
            case=case, to_status=Case.Status.PUBLISHED, user=User.objects.filter(username="pref-staff").first()
        )
    town = Municipality.objects.get(code="999997")
    if not Case.objects.filter(municipality=town).exists():
        case = services.case_save(municipality=town, **SAMPLE_TOWN_CASE)
        services.case_transition(
            case=case, to_status=Case.Status.IN_REVIEW, user=User.objects.filter(username="dx-staff").first()
        )
