"""Search quality on the labelled queries, on SQLite and on PostgreSQL, and whether both rank alike.

    python benchmarks/cases_quality.py                 # SQLite, then PostgreSQL at $DATABASE_URL or the local test database
    python benchmarks/cases_quality.py --sqlite-only

Prints per database recall@5 and MRR over the questions some case answers, the share of the questions no case
answers that came back empty (near cases apart), the queries that missed, and whether the two rankings are identical.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
POSTGRES = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")


def run_one() -> None:
    from survey_bench import django_setup, setup_database

    database, cleanup = setup_database()
    try:
        django_setup()
        from django.core.management import call_command

        from banso.cases import quality, seeds
        from banso.orgs.scoping import operator_scope

        call_command("migrate", verbosity=0)
        seeds.load()
        outcomes = quality.evaluate(operator_scope(), quality.labelled())
        s = quality.summary(outcomes)
        print(
            f"[{database}] {s.answerable} answerable queries: recall@5 {s.recall_at_5:.3f} (target ≥ 0.95), "
            f"MRR {s.mrr:.3f} (≥ 0.9); {s.unanswerable} with no relevant case: {s.flagged:.0%} came back empty "
            "with near cases apart (≥ 90 %)"
        )
        for o in outcomes:
            if o.answerable and o.recall_at_5 < 1:
                print(
                    f"    {o.query!r}: recall@5 {o.recall_at_5:.2f}, first five {o.ranked[:5]}, wanted {o.relevant}"
                )
            elif not o.answerable and o.ranked:
                print(f"    {o.query!r}: no case answers it, yet results came back: {o.ranked[:5]}")
        print("RANKINGS " + json.dumps({o.query: o.ranked for o in outcomes}, ensure_ascii=False))
    finally:
        cleanup()


def main() -> None:
    if os.environ.get("BANSO_QUALITY_CHILD"):
        run_one()
        return
    runs = [("SQLite", {"DATABASE_URL": ""})]
    if "--sqlite-only" not in sys.argv:
        runs.append(("PostgreSQL", {"DATABASE_URL": POSTGRES}))
    rankings = {}
    for name, extra in runs:
        env = {**os.environ, **extra, "BANSO_QUALITY_CHILD": "1"}
        if not extra["DATABASE_URL"]:
            env.pop("DATABASE_URL")
        out = subprocess.run([sys.executable, __file__], env=env, cwd=HERE, capture_output=True, text=True)
        if out.returncode:
            print(out.stdout + out.stderr)
            sys.exit(out.returncode)
        for line in out.stdout.splitlines():
            if line.startswith("RANKINGS "):
                rankings[name] = json.loads(line[len("RANKINGS ") :])
            else:
                print(line)
    if len(rankings) == 2:
        same = rankings["SQLite"] == rankings["PostgreSQL"]
        print(
            "SQLite and PostgreSQL rank every query identically."
            if same
            else "The rankings DIFFER between databases."
        )


if __name__ == "__main__":
    main()
