"""Benchmarks (`make bench`; not part of `make test`).

    python bench/run.py recompute [--staff 50000 --years 10 --teams 5000 --evaluations 250000]
    python bench/run.py http [--seconds 10 --connections 8]

Each prints a table and ends with one line `bench <name>: key=value …`. Everything runs
against 127.0.0.1 only, on a database of its own (dropped and re-created), and stops by
itself.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
    )


def _fresh_database(name: str) -> str:
    _psql(f"DROP DATABASE IF EXISTS {name}")
    _psql(f"CREATE DATABASE {name}")
    return f"{PG}/{name}"


def _env(database_url: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "moka_dx.settings.base",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            **extra,
        }
    )
    return env


def _manage(database_url: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=_env(database_url), check=True
    )


def _child(database_url: str, *args: str) -> dict:
    """Run a phase in a fresh process (clean peak RSS) and return its JSON answer."""
    out = subprocess.run(
        [sys.executable, __file__, *args],
        cwd=ROOT,
        env=_env(database_url),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- recompute -------------------------------------------------------------------------
FLOOR_SQL = """
SELECT t.team_id, t.perspective, AVG(t.score), COUNT(*)
FROM (
    SELECT p.team_id, e.perspective, e.score
    FROM evaluations_evaluation e
    JOIN evaluations_presentation p ON p.id = e.presentation_id
    JOIN evaluations_reportmeeting m ON m.id = p.meeting_id
    WHERE m.status = 'closed'
    UNION ALL
    SELECT e.team_id, e.perspective, e.score
    FROM evaluations_evaluation e
    JOIN projects_team tm ON tm.id = e.team_id
    JOIN evaluations_leadershipwindow w ON w.project_id = tm.project_id
    WHERE e.perspective = 'leadership' AND w.status = 'closed'
) t
GROUP BY t.team_id, t.perspective
"""


def phase_generate(args) -> dict:
    import django

    django.setup()
    from bench.synthetic import build

    started = time.perf_counter()
    counts = build(
        staff=args.staff, years=args.years, teams=args.teams, evaluations=args.evaluations
    )
    counts["generate_s"] = round(time.perf_counter() - started, 1)
    return counts


def phase_measure(args) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certification.models import Certification
    from certification.services import certifications_recompute

    floors = []
    for _ in range(3):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL)
            cursor.fetchall()
        floors.append(time.perf_counter() - started)
    # The first full run creates every award; the second shows idempotency (no writes).
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        certifications_recompute(notify=False)
        recompute_s = time.perf_counter() - started
    first_queries = len(queries)
    with CaptureQueriesContext(connection) as again:
        started = time.perf_counter()
        certifications_recompute(notify=False)
        again_s = time.perf_counter() - started
    return {
        "recompute_s": round(recompute_s, 2),
        "again_s": round(again_s, 2),
        "floor_s": round(min(floors), 3),
        "queries": first_queries,
        "queries_again": len(again),
        "writes_again": sum(
            1
            for q in again.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ),
        "certifications": Certification.objects.count(),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def bench_recompute(args) -> None:
    sizes = [
        (
            "small",
            max(1, args.staff // 10),
            max(1, args.teams // 10),
            max(1, args.evaluations // 10),
        ),
        ("full", args.staff, args.teams, args.evaluations),
    ]
    results = {}
    for label, staff, teams, evaluations in sizes:
        url = _fresh_database("moka_dx_bench")
        _manage(url, "migrate", "--noinput", "-v0")
        generated = _child(
            url,
            "_generate",
            "--staff",
            str(staff),
            "--years",
            str(args.years),
            "--teams",
            str(teams),
            "--evaluations",
            str(evaluations),
        )
        measured = _child(url, "_measure")
        results[label] = {**generated, **measured}
        print(f"{label:>5}: {json.dumps(results[label], ensure_ascii=False)}", flush=True)
    full, small = results["full"], results["small"]
    ratio = full["recompute_s"] / max(full["floor_s"], 1e-6)
    print()
    print(
        "| size | staff | teams | evaluations | recompute_s | floor_s | ratio | peak_rss_mb | queries | 2nd run writes |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label in ("small", "full"):
        r = results[label]
        print(
            f"| {label} | {r['staff']} | {r['teams']} | {r['evaluations']} | {r['recompute_s']} "
            f"| {r['floor_s']} | {r['recompute_s'] / max(r['floor_s'], 1e-6):.1f} "
            f"| {r['peak_rss_mb']} | {r['queries']} | {r['writes_again']} |"
        )
    print(
        f"bench recompute: recompute_s={full['recompute_s']} floor_s={full['floor_s']} "
        f"ratio={ratio:.2f} peak_rss_mb={full['peak_rss_mb']} queries={full['queries']} "
        f"queries_small={small['queries']} staff={full['staff']} "
        f"evaluations={full['evaluations']} writes_second_run={full['writes_again']}"
    )


# --- http ------------------------------------------------------------------------------
def bench_http(args) -> None:
    from bench.http_load import run as run_http

    run_http(args, fresh_database=_fresh_database, manage=_manage, env=_env)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("recompute")
    gen = sub.add_parser("_generate")
    for p in (rec, gen):
        p.add_argument("--staff", type=int, default=50000)
        p.add_argument("--years", type=int, default=10)
        p.add_argument("--teams", type=int, default=5000)
        p.add_argument("--evaluations", type=int, default=250000)
    sub.add_parser("_measure")
    http = sub.add_parser("http")
    http.add_argument("--seconds", type=int, default=10)
    http.add_argument("--connections", type=int, default=8)
    http.add_argument("--scale", type=int, default=10)
    args = parser.parse_args()
    if args.command == "recompute":
        bench_recompute(args)
    elif args.command == "_generate":
        print(json.dumps(phase_generate(args)))
    elif args.command == "_measure":
        print(json.dumps(phase_measure(args)))
    elif args.command == "http":
        bench_http(args)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
