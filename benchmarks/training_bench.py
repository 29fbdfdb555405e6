"""人材育成・相談窓口 figures (the issue sets no targets; these show it holds at a city's size).

    python benchmarks/training_bench.py               # SQLite (a temporary database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python benchmarks/training_bench.py

Prints: reading, checking and importing a 2,000-answer questionnaire saved by Excel in CP932; completion by
department for 1,000 staff; the help-desk page with 10,000 consultations (median of 10, queries).
"""

import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from plan_bench import page_time
from survey_bench import django_setup, setup_database


def build():
    from django.core.management import call_command

    from banso.core.audit import acting_as
    from banso.demo.sample import create_sample
    from banso.orgs.models import Municipality
    from banso.training import services
    from banso.training.models import Attendance, Consultation, StaffMember

    call_command("migrate", verbosity=0)
    rng = random.Random(5)
    with acting_as(None, label="benchmark"):
        create_sample()
        town = Municipality.objects.get(code="999997")
        departments = list(town.departments.all())
        StaffMember.objects.bulk_create(
            StaffMember(municipality=town, department=departments[n % len(departments)], name=f"職員{n}")
            for n in range(1000)
        )
        course = services.course_save(
            municipality=town, title="情報セキュリティ研修", audience="staff", is_required=True
        )
        session = services.session_save(course=course, held_on=dt.date(2026, 5, 20))
        Attendance.objects.bulk_create(
            Attendance(session=session, staff=s, attended=rng.random() < 0.8)
            for s in StaffMember.objects.filter(municipality=town)
        )
        Consultation.objects.bulk_create(
            Consultation(
                municipality=town,
                received_on=dt.date(2026, 11, 1) - dt.timedelta(days=rng.randint(0, 330)),
                topic=rng.choice(
                    [
                        "スマートフォンの基本操作",
                        "LINE・アプリ",
                        "オンライン申請",
                        "マイナンバーカード・マイナポータル",
                    ]
                ),
                question=rng.choice(
                    ["LINEで写真を送りたい", "文字を大きくしたい", "暗証番号を忘れた", "申請の写真の撮り方"]
                ),
                minutes=rng.choice([5, 10, 20]),
            )
            for _ in range(10_000)
        )
    return town, course, session


def main():
    database, cleanup = setup_database()
    try:
        django_setup()
        from django.test import Client
        from django.urls import reverse

        from banso.orgs.models import User
        from banso.training import questionnaire, selectors, services

        town, course, session = build()
        lines = ["タイムスタンプ,分かりやすかったですか,業務に活かせそうですか,ご意見"]
        lines += [f"2026/05/20 10:00,そう思う,{n % 5 + 1},説明が分かりやすかった{n}" for n in range(2000)]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "answers.csv"
            path.write_bytes(("\n".join(lines) + "\n").encode("cp932"))
            start = time.perf_counter()
            table = questionnaire.read_table(path, "answers.csv")
            kinds = questionnaire.guess_kinds(table)
            checked = questionnaire.check(table, kinds, "answers.csv")
            services.questionnaire_import(session=session, table=table, kinds=kinds, checked=checked)
            print(
                f"[{database}] questionnaire of 2,000 answers (CP932 CSV): read, check and import {time.perf_counter() - start:.2f} s"
            )
        start = time.perf_counter()
        rows = selectors.completion(course)
        print(
            f"[{database}] completion by department, {sum(r.staff for r in rows):,} staff: {(time.perf_counter() - start) * 1000:.0f} ms"
        )
        client = Client()
        client.force_login(User.objects.get(username="dx-staff"))
        ms, queries = page_time(client, reverse("training:helpdesk", args=[town.code]), runs=10)
        print(f"[{database}] help-desk page with 10,000 consultations: median {ms:.0f} ms, {queries} queries")
    finally:
        cleanup()


if __name__ == "__main__":
    main()
