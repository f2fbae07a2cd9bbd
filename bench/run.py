"""Benchmarks (`make bench`; not part of `make test`).

    python bench/run.py recompute [--size bench|large] [--workers 2] [--repeat 3]
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
#: The benchmark's own database (dropped and re-created): BENCH_DB to use another name.
BENCH_DB = os.environ.get("BENCH_DB", "moka_dx_bench")


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


def _child(database_url: str, *args: str, **extra) -> dict:
    """Run a phase in a fresh process (clean peak RSS) and return its JSON answer."""
    out = subprocess.run(
        [sys.executable, __file__, *args],
        cwd=ROOT,
        env=_env(database_url, **extra),
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


#: The tables a first run writes (automatic mode): certifications and their history.
WRITTEN_TABLES = ("certification_certification", "certification_historicalcertification")


def _reset_certifications(cursor) -> None:
    """Back to a programme nobody has been certified in yet (the bench database only)."""
    cursor.execute(
        "TRUNCATE certification_certification, certification_historicalcertification,"
        " certification_recomputerun CASCADE"
    )


def _read_floor(cursor) -> float:
    """The read floor: the one SQL aggregate over the same evaluation rows, best of 3."""
    floors = []
    for _ in range(3):
        started = time.perf_counter()
        cursor.execute(FLOOR_SQL)
        cursor.fetchall()
        floors.append(time.perf_counter() - started)
    return min(floors)


def _write_floor(cursor) -> float:
    """The write floor: the rows the first run wrote (certifications and their history),
    written again with COPY into empty tables of the same shape and indexes
    (`LIKE … INCLUDING ALL`), in one transaction; best of 3."""
    import io

    dumps = {}
    for table in WRITTEN_TABLES:
        buffer = io.BytesIO()
        cursor.copy_expert(f"COPY {table} TO STDOUT", buffer)
        dumps[table] = buffer
        cursor.execute(f"DROP TABLE IF EXISTS floor_{table}")
        cursor.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING ALL)")
    best = None
    for _ in range(3):
        for table in WRITTEN_TABLES:
            cursor.execute(f"TRUNCATE floor_{table}")
        cursor.execute("COMMIT")
        started = time.perf_counter()
        cursor.execute("BEGIN")
        for table, buffer in dumps.items():
            buffer.seek(0)
            cursor.copy_expert(f"COPY floor_{table} FROM STDIN", buffer)
        cursor.execute("COMMIT")
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    for table in WRITTEN_TABLES:
        cursor.execute(f"DROP TABLE floor_{table}")
    return best


def phase_measure(args) -> dict:
    """In one process: the read floor, a first run (creates every award), a no-change
    run, then the write floor. Streamed by ranges (settings.CERTIFICATION_RECOMPUTE_RANGE)
    in this one process; peak RSS is this process's."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from certification.models import Certification
    from certification.services import certifications_recompute
    from certification.services.recompute_ranges import plan

    statements = {"all": 0, "writes": 0}

    def count(execute, sql, params, many, context):
        statements["all"] += 1
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "COPY")):
            statements["writes"] += 1
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        read_floor = _read_floor(cursor)
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        first = certifications_recompute(notify=False)
        recompute_s = time.perf_counter() - started
    queries = statements["all"]
    statements.update(all=0, writes=0)
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        certifications_recompute(notify=False)
        again_s = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with connection.cursor() as cursor:
        write_floor = _write_floor(cursor)
    return {
        "recompute_s": round(recompute_s, 2),
        "again_s": round(again_s, 2),
        "read_floor_s": round(read_floor, 3),
        "write_floor_s": round(write_floor, 3),
        "queries": queries,
        "queries_again": statements["all"],
        "writes_again": statements["writes"],
        "ranges": len(plan(settings.CERTIFICATION_RECOMPUTE_RANGE)),
        "created": first["created"],
        "certifications": Certification.objects.count(),
        "peak_rss_mb": round(peak, 1),
    }


def _vm_hwm_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def phase_sharded(args) -> dict:
    """`--workers` Celery workers (one process each, the solo pool) share a full run's
    ranges: a first run on an empty certification table, then (once the workers have
    sent the first run's award e-mails, timed apart) a no-change run, each timed from
    queueing `recompute_all` to the run's DONE. Peak RSS: the largest worker."""
    import tempfile

    import django

    django.setup()
    from django.db import connection

    from certification.models import Certification, RecomputeRun
    from certification.tasks import recompute_all

    with connection.cursor() as cursor:
        _reset_certifications(cursor)
    logs = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    workers = []
    try:
        for index in range(args.workers):
            log = logs / f"worker{index}.log"
            workers.append(
                (
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "celery",
                            "-A",
                            "moka_dx",
                            "worker",
                            "--pool=solo",
                            "--without-heartbeat",
                            "--without-gossip",
                            "--without-mingle",
                            "-n",
                            f"bench{index}@%h",
                            "-l",
                            "info",
                        ],
                        cwd=ROOT,
                        env=os.environ.copy(),
                        stdout=log.open("wb"),
                        stderr=subprocess.STDOUT,
                    ),
                    log,
                )
            )
        for process, log in workers:
            deadline = time.monotonic() + 60
            while b"ready." not in log.read_bytes():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log.read_text()[-3000:])
                time.sleep(0.1)

        def timed_run() -> float:
            run = RecomputeRun.objects.create()
            started = time.perf_counter()
            recompute_all.delay(run.pk)
            while True:
                status = RecomputeRun.objects.filter(pk=run.pk).values_list("status", flat=True)
                if status[0] == RecomputeRun.Status.DONE:
                    return time.perf_counter() - started
                if status[0] == RecomputeRun.Status.FAILED:
                    raise RuntimeError("the sharded run failed")
                time.sleep(0.05)

        def mails_sent() -> float:
            # The first run's award e-mails are tasks of their own, queued after each
            # range commits; the no-change run is timed once the workers have sent them,
            # so it measures the recompute, not the mail of the run before.
            started = time.perf_counter()
            owed = Certification.objects.filter(announced_at__isnull=True)
            while owed.exists():
                if time.perf_counter() - started > 600:
                    raise RuntimeError("the award e-mails were not sent within 10 minutes")
                time.sleep(0.05)
            return time.perf_counter() - started

        first_s = timed_run()
        mails_s = mails_sent()
        again_s = timed_run()
        peak = max(_vm_hwm_mb(process.pid) for process, _log in workers)
    finally:
        for process, _log in workers:
            process.terminate()
        for process, _log in workers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return {
        "workers": args.workers,
        "sharded_s": round(first_s, 2),
        "sharded_again_s": round(again_s, 2),
        "mails_after_first_s": round(mails_s, 2),
        "worker_peak_rss_mb": round(peak, 1),
    }


#: The sizes: `make bench` (a city's programme, ×10) and `make bench-large` (a
#: prefecture's shared service: 200,000 staff, 1,000,000 evaluations).
SIZES = {
    "bench": {"staff": 50000, "teams": 5000, "evaluations": 250000},
    "large": {"staff": 200000, "teams": 20000, "evaluations": 1000000},
}


def _broker_url() -> str:
    return os.environ.get("BENCH_BROKER_URL") or os.environ.get(
        "CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"
    )


def bench_recompute(args) -> None:
    size = SIZES[args.size]
    staff = args.staff or size["staff"]
    teams = args.teams or size["teams"]
    evaluations = args.evaluations or size["evaluations"]
    url = _fresh_database(BENCH_DB)
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
    print(f"generated: {json.dumps(generated)}", flush=True)
    # Automatic mode: the first run writes certifications and their history rows (the
    # write floor writes the same rows with COPY). Approval mode writes proposals instead.
    # Production settings (DEBUG off: no query log held in memory).
    from bench.http_load import PRODUCTION

    mode = {**PRODUCTION, "CERTIFICATION_PUBLISH_MODE": "automatic"}
    measured = []
    for attempt in range(args.repeat):
        if attempt:
            _child(url, "_reset", **mode)
        measured.append(_child(url, "_measure", **mode))
        print(f"in one process: {json.dumps(measured[-1])}", flush=True)
    broker = {"CELERY_BROKER_URL": _broker_url(), "CELERY_QUEUE": f"bench-{BENCH_DB}", **mode}
    sharded = {}
    for workers in sorted({1, args.workers}):
        runs = [
            _child(url, "_sharded", "--workers", str(workers), **broker) for _ in range(args.repeat)
        ]
        for run in runs:
            print(f"sharded: {json.dumps(run)}", flush=True)
        sharded[workers] = {
            key: _median([r[key] for r in runs])
            for key in ("sharded_s", "sharded_again_s", "worker_peak_rss_mb")
        }
    m = {key: _median([r[key] for r in measured]) for key in measured[0]}
    best = sharded[args.workers]
    ratio_write = best["sharded_s"] / max(m["read_floor_s"] + m["write_floor_s"], 1e-6)
    ratio_read_again = best["sharded_again_s"] / max(m["read_floor_s"], 1e-6)
    peak = max(m["peak_rss_mb"], best["worker_peak_rss_mb"])
    print()
    print(
        "| run | workers | recompute_s | again_s | read_floor_s | write_floor_s "
        "| first / (read+write floor) | again / read floor | peak_rss_mb |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    floors = m["read_floor_s"] + m["write_floor_s"]
    print(
        f"| one process | 1 | {m['recompute_s']} | {m['again_s']} | {m['read_floor_s']} "
        f"| {m['write_floor_s']} | {m['recompute_s'] / floors:.2f} "
        f"| {m['again_s'] / m['read_floor_s']:.2f} | {m['peak_rss_mb']} |"
    )
    for workers, r in sorted(sharded.items()):
        print(
            f"| Celery | {workers} | {r['sharded_s']} | {r['sharded_again_s']} "
            f"| {m['read_floor_s']} | {m['write_floor_s']} | {r['sharded_s'] / floors:.2f} "
            f"| {r['sharded_again_s'] / m['read_floor_s']:.2f} | {r['worker_peak_rss_mb']} |"
        )
    print(
        f"bench recompute: staff={generated['staff']} recompute_s={best['sharded_s']} "
        f"again_s={best['sharded_again_s']} read_floor_s={m['read_floor_s']} "
        f"write_floor_s={m['write_floor_s']} ratio_write={ratio_write:.2f} "
        f"ratio_read_again={ratio_read_again:.2f} peak_rss_mb={peak} "
        f"workers={args.workers} queries={m['queries']} "
        f"one_process_s={m['recompute_s']} one_process_again_s={m['again_s']} "
        f"one_worker_s={sharded[1]['sharded_s']} ranges={m['ranges']} "
        f"evaluations={generated['evaluations']} writes_again={m['writes_again']}"
    )


def _median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return round((ordered[middle - 1] + ordered[middle]) / 2, 3)


def phase_reset(args) -> dict:
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        _reset_certifications(cursor)
    return {}


# --- http ------------------------------------------------------------------------------
def bench_http(args) -> None:
    from bench.http_load import run as run_http

    run_http(args, fresh_database=_fresh_database, manage=_manage, env=_env)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("recompute")
    rec.add_argument("--size", choices=sorted(SIZES), default="bench")
    rec.add_argument("--years", type=int, default=10)
    rec.add_argument("--staff", type=int, default=0)
    rec.add_argument("--teams", type=int, default=0)
    rec.add_argument("--evaluations", type=int, default=0)
    rec.add_argument("--workers", type=int, default=2)
    rec.add_argument("--repeat", type=int, default=3, help="runs per measure (medians)")
    gen = sub.add_parser("_generate")
    gen.add_argument("--staff", type=int)
    gen.add_argument("--years", type=int)
    gen.add_argument("--teams", type=int)
    gen.add_argument("--evaluations", type=int)
    sub.add_parser("_measure")
    sub.add_parser("_reset")
    sharded = sub.add_parser("_sharded")
    sharded.add_argument("--workers", type=int, default=2)
    http = sub.add_parser("http")
    http.add_argument("--seconds", type=int, default=10)
    http.add_argument("--connections", type=int, default=8)
    http.add_argument("--scale", type=int, default=10)
    args = parser.parse_args()
    phases = {
        "_generate": phase_generate,
        "_measure": phase_measure,
        "_reset": phase_reset,
        "_sharded": phase_sharded,
    }
    if args.command == "recompute":
        bench_recompute(args)
    elif args.command in phases:
        print(json.dumps(phases[args.command](args)))
    elif args.command == "http":
        bench_http(args)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
