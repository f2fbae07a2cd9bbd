"""`python bench/run.py http`: gunicorn (2 workers, production settings) on PostgreSQL with
the demo data scaled up, loaded by wrk on 127.0.0.1 for a bounded time per page.

Pages: the bare view (`/healthz`: no database, no session), the floor page (bench/urls.py:
login required, the full middleware stack, the base layout around an empty block), the
project list (staff), a report meeting page (executive, 10 presentations), the scoring
POST (executive re-submitting one evaluation: the service's full path with its row
locks), and the scoring POST again with 30 connections (30 raters at once: its p99).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-" + "k9#Qm2$Lp7&Zr4*Wx8!Tv3^Ns6(Hb1)Jd5",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DATABASE_CONN_MAX_AGE": "60",
}
#: The server (only) serves the bench URLconf: the portal plus the floor page.
SERVER = {"DJANGO_ROOT_URLCONF": "bench.urls"}
#: Raters scoring at once in the busiest moment the issue names (a prefecture's meeting).
RATERS = 30


def setup_phase(scale: int) -> dict:
    """In the bench database: scale the demo up, open a meeting with 10 presentations,
    and log in the two people the load uses. Returns what the load generator needs."""
    import datetime

    import django

    django.setup()
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from bench.synthetic import build
    from evaluations import services as evaluation_services
    from evaluations.models import Perspective, Rubric
    from projects import services as project_services
    from projects.models import Membership, Project, Team

    counts = build(staff=500 * scale, years=10, teams=50 * scale, evaluations=2500 * scale)
    organiser = User.objects.get(employee_number="10001")
    executive = User.objects.get(employee_number="90001")
    staff = User.objects.get(employee_number="20001")
    # An open meeting of this year's project with 10 teams of synthetic staff.
    project = Project.objects.create(
        fiscal_year=2030,
        title="ベンチマーク用プロジェクト",
        status=Project.Status.REPORTING,
        recruitment_starts_on=datetime.date(2030, 4, 1),
        recruitment_ends_on=datetime.date(2030, 5, 31),
    )
    pool = list(
        User.objects.filter(email__endswith="@bench.test", grade=1).values_list("pk", flat=True)[
            :40
        ]
    )
    teams = []
    for i in range(10):
        team = Team.objects.create(
            project=project,
            name=f"B{i}",
            theme=f"ベンチ課題{i}",
            status=Team.Status.APPROVED,
            max_size=5,
            member_count=4,
        )
        Membership.objects.bulk_create(
            Membership(
                team=team,
                project=project,
                user_id=u,
                status="approved",
                role="leader" if j == 0 else "member",
            )
            for j, u in enumerate(pool[i * 4 : i * 4 + 4])
        )
        teams.append(team)
    meeting = evaluation_services.meeting_schedule(
        project=project,
        title="ベンチマーク報告会",
        held_on=datetime.date(2031, 2, 1),
        place="大会議室",
        by=organiser,
    )
    for team in teams:
        evaluation_services.presentation_add(
            meeting=meeting, team=team, title=team.theme, materials=None
        )
    evaluation_services.meeting_open(meeting=meeting, by=organiser)
    presentation = meeting.presentations.order_by("order").first()
    rubric = Rubric.objects.get(fiscal_year=2030, perspective=Perspective.POLICY)
    scores = {f"score_{c.pk}": "4" for c in rubric.criteria.all()}
    _ = project_services  # the project above is synthetic volume, like bench.synthetic

    def session(user):
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    csrf = _get_new_csrf_string()
    return {
        "counts": counts,
        "staff_session": session(staff),
        "executive_session": session(executive),
        "csrf": csrf,
        "project_list": reverse("projects:project_list"),
        "meeting": reverse("evaluations:meeting_detail", args=[meeting.pk]),
        "score": reverse("evaluations:presentation_evaluate", args=[presentation.pk]),
        "score_body": "&".join(
            [f"{k}={v}" for k, v in scores.items()] + ["perspective=policy", "comment=bench"]
        ),
    }


def _wrk(url: str, *, seconds: int, connections: int, headers=(), lua: str | None = None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if lua:
        command += ["-s", lua]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def percentile(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": rps,
        "p50_ms": percentile(50),
        "p99_ms": percentile(99),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def _check(url: str, cookie: str, expect: int = 200) -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:
        # urllib follows redirects: a page that sent us to the login page ends elsewhere.
        assert response.status == expect and response.url == url, (url, response.url)


def run(args, *, fresh_database, manage, env) -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (make bench installs it with apt-get)")
    url = fresh_database(os.environ.get("BENCH_DB", "moka_dx_bench") + "_http")
    manage(url, "migrate", "--noinput", "-v0")
    manage(url, "seed_demo", "-v0")
    production = env(url, **PRODUCTION)
    setup = json.loads(
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); from bench.http_load import "
                f"setup_phase; print(json.dumps(setup_phase({args.scale})))",
            ],
            # Production settings: the sessions must be signed with the server's key.
            cwd=ROOT,
            env=production,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    static_root = tempfile.mkdtemp(prefix="moka_bench_static_")
    production["DJANGO_STATIC_ROOT"] = static_root
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=production,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "moka_dx.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**production, **SERVER},
    )
    lua = None
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{BASE}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        staff_cookie = f"sessionid={setup['staff_session']}"
        exec_cookie = f"sessionid={setup['executive_session']}; csrftoken={setup['csrf']}"
        _check(BASE + "/bench/floor/", staff_cookie)
        _check(BASE + setup["project_list"], staff_cookie)
        _check(BASE + setup["meeting"], exec_cookie)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            body = setup["score_body"]
            handle.write(
                'wrk.method = "POST"\n'
                f'wrk.body = "{body}"\n'
                'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
                f'wrk.headers["X-CSRFToken"] = "{setup["csrf"]}"\n'
                f'wrk.headers["Cookie"] = "{exec_cookie}"\n'
            )
            lua = handle.name
        kw = {"seconds": args.seconds, "connections": args.connections}
        results = {
            "bare": _wrk(BASE + "/healthz", **kw),
            "floor": _wrk(BASE + "/bench/floor/", headers=[f"Cookie: {staff_cookie}"], **kw),
            "project_list": _wrk(
                BASE + setup["project_list"], headers=[f"Cookie: {staff_cookie}"], **kw
            ),
            "meeting": _wrk(BASE + setup["meeting"], headers=[f"Cookie: {exec_cookie}"], **kw),
            "scoring_post": _wrk(BASE + setup["score"], lua=lua, **kw),
            "scoring_post_30": _wrk(
                BASE + setup["score"], lua=lua, seconds=args.seconds, connections=RATERS
            ),
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)
        if lua:
            os.unlink(lua)
    bare = results["bare"]["rps"]
    floor = results["floor"]["rps"]
    print(f"data: {json.dumps(setup['counts'])}")
    print()
    print("| page | req/s | ratio to bare | ratio to floor | p50 ms | p99 ms | non-2xx/3xx |")
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['rps']:.0f} | {r['rps'] / bare:.2f} | {r['rps'] / floor:.2f} "
            f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |"
        )
    parts = [f"bare_rps={bare:.0f}", f"floor_rps={floor:.0f}", f"floor_ratio={floor / bare:.2f}"]
    for name, r in results.items():
        if name not in ("bare", "floor"):
            parts.append(
                f"{name}_rps={r['rps']:.0f} {name}_ratio_floor={r['rps'] / floor:.2f} "
                f"{name}_p50_ms={r['p50_ms']:.1f} {name}_p99_ms={r['p99_ms']:.1f}"
            )
    print("bench http: " + " ".join(parts))
