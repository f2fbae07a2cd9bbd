"""Demo BPR projects for `manage.py seed_demo`, written through the services.

Deterministic and idempotent: each year's project is looked up by (年度, title); a year
that already exists is left alone, so a second run changes nothing. Past years pass an
explicit `today=` inside their recruitment window to the services (no date hacking).

Who is where (staff 20001–20080 from accounts/demo.py; 20001 is the demo staff login):

令和4年度 (FY2022) — 12 staff in 3 teams, status 報告会 (reporting)
  - 工事書類の電子化 (建設課):             leader 20057; members 20001, 20002, 20035
  - 決算資料作成の二重作業解消 (会計課):    leader 20058; members 20003, 20036, 20037
  - 保育所入所選考の効率化 (こども家庭課):   leader 20059; members 20004, 20005, 20038
令和5年度 (FY2023) — teams led by FY2022 members, status 報告会
  - 窓口申請のオンライン化 (市民課):        leader 20002 (FY2022 member → Expert candidate)
                                           members 20006, 20039, 20007
  - 税務証明発行の効率化 (税務課):          leader 20003 (FY2022 member; leads again in
                                           FY2024 → Specialist candidate)
                                           members 20008, 20040, 20009
  - 農地台帳の電子化 (農政課):              leader 20036 (FY2022 member); members 20010,
                                           20041, 20011
令和6年度 (FY2024) — status 報告会
  - 固定資産税の問い合わせ対応の効率化 (税務課): leader 20003 (second year in a row)
                                           members 20012, 20042, 20013
  - 福祉サービス申請の電子化 (福祉課):      leader 20006 (FY2023 member); members 20014,
                                           20043 (育児休業 2024-10-01〜2025-01-31), 20015
  - 会議録作成の自動化 (総務課):            leader 20038 (FY2022 member); members 20016,
                                           20044, 20017
令和8年度 (FY2026, the current year) — status 募集中 (recruiting), two proposed teams
  - 観光イベント申込の電子化 (商工観光課):   leader 20045 (applied); applicants 20018, 20030
  - 道路損傷通報の受付改善 (建設課):        leader 20060 (applied)
  20001 is in no FY2026 team, so the demo login can apply or propose.
  所属長の承認 (issue 12) is on for FY2026 only (the past years were decided without it):
  20078 小林 誠, こども家庭課長, has consented to 20018's application (業務の分担 noted)
  and has 20030's still to decide; 20045 (都市計画課, no 課長) waits for 90004, the
  建設部長; 20060 (会計課, no head by the roster) needed no consent.

The FY2026 window opens on 1 April 2026 and closes on 31 March 2027 or, if the demo is
seeded later than that, 90 days after the day of seeding, so that "currently recruiting"
holds on the day the demo is built.

FY2022–FY2024 stay in "reporting": the evaluations demo closes the report meetings and
the projects. Worksheets and measured effects are written by each team's leader.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Department, User

from . import demo_hours, services
from .models import HeadConsent, Membership, Project, Team

ORGANISER = "10001"
VENDOR = "株式会社とちぎデジタル"


@dataclass(frozen=True)
class TeamSpec:
    name: str
    theme: str
    department: str
    leader: str
    members: tuple[str, ...]
    worksheet: dict[str, str] = field(default_factory=dict)
    effects: tuple[tuple[str, str, int, int], ...] = ()


@dataclass(frozen=True)
class YearSpec:
    fiscal_year: int
    title: str
    description: str
    teams: tuple[TeamSpec, ...]
    workshops: tuple[tuple[str, str, str], ...] = ()  # (iso date, topic, hours)
    status: str = Project.Status.REPORTING


def _sheet(problem, cause, solution, effect, as_is, to_be, can_be) -> dict[str, str]:
    return {
        "problem": problem,
        "cause": cause,
        "solution": solution,
        "effect": effect,
        "as_is": as_is,
        "to_be": to_be,
        "can_be": can_be,
    }


R4_WORKSHOPS = (
    ("2022-06-08", "BPRの考え方と進め方", "2"),
    ("2022-07-06", "業務の棚卸しと As-Is の可視化", "2"),
    ("2022-08-03", "課題と原因の整理", "2"),
    ("2022-09-07", "To-Be / Can-Be の設計", "2"),
    ("2022-10-05", "効果の測り方と報告資料づくり", "2"),
)
HALF_DAY = "3.5"

YEARS: tuple[YearSpec, ...] = (
    YearSpec(
        2022,
        "令和4年度 BPRプロジェクト",
        "係長以下の職員が自らの業務をBPRの手法で見直す。伴走支援事業者による研修（2時間×5回）。",
        (
            TeamSpec(
                "工事書類DXチーム",
                "工事書類の電子化",
                "410",
                "20057",
                ("20001", "20002", "20035"),
                _sheet(
                    "工事の書類が紙で回覧され、決裁までに日数がかかる。",
                    "押印欄が多く、書類が担当者の机を順に回る仕組みになっている。",
                    "電子決裁と共有フォルダの様式統一で、回覧を同時並行にする。",
                    "書類作成と回覧の作業時間を年間900時間削減。",
                    "紙の書類を印刷し、押印して回覧している。",
                    "受注者から決裁までが電子で完結する。",
                    "庁内の回覧と決裁を電子化し、受注者とのやり取りはPDFで行う。",
                ),
                (("年間作業時間", "時間", 1200, 300),),
            ),
            TeamSpec(
                "決算資料チーム",
                "決算資料作成の二重作業解消",
                "600",
                "20058",
                ("20003", "20036", "20037"),
                _sheet(
                    "決算資料の数値を複数の表に手で転記している。",
                    "各課の様式がばらばらで、会計課で集計し直している。",
                    "共通様式と集計用のシートを作り、転記をなくす。",
                    "転記作業を年間330時間削減し、転記誤りをなくす。",
                    "各課が独自の様式で提出し、会計課が再入力する。",
                    "財務会計システムから決算資料が自動で作られる。",
                    "共通様式への入力だけで集計表が作られる。",
                ),
                (("年間作業時間", "時間", 450, 120), ("転記誤りの件数", "件", 24, 0)),
            ),
            TeamSpec(
                "保育所入所チーム",
                "保育所入所選考の効率化",
                "310",
                "20059",
                ("20004", "20005", "20038"),
                _sheet(
                    "入所選考の点数計算に時間がかかり、内定通知が3月になる。",
                    "申請書の内容を手作業で点数表に写し、二人で読み合わせている。",
                    "点数計算を表計算の仕組みで自動化し、確認を一度にする。",
                    "内定通知を2か月早め、選考作業時間を400時間削減。",
                    "紙の申請書から手で点数を計算している。",
                    "オンライン申請から自動で選考できる。",
                    "申請内容の入力と点数計算を自動化する。",
                ),
                (("内定通知", "月", 3, 1), ("選考作業時間", "時間", 600, 200)),
            ),
        ),
        R4_WORKSHOPS,
    ),
    YearSpec(
        2023,
        "令和5年度 BPRプロジェクト",
        "自分の業務または関連する業務からテーマを選ぶ。研修は半日×4回。",
        (
            TeamSpec(
                "窓口オンライン化チーム",
                "窓口申請のオンライン化",
                "210",
                "20002",
                ("20006", "20039", "20007"),
                _sheet(
                    "住民票の郵送請求などが窓口と郵送だけで、処理が集中する。",
                    "申請の受付方法が紙に限られている。",
                    "電子申請サービスで請求と手数料の納付を受け付ける。",
                    "窓口と郵送の処理時間を年間500時間削減。",
                    "窓口と郵送で紙の請求書を受け付けている。",
                    "すべての請求がオンラインで完結する。",
                    "よく使われる5つの手続をオンライン化する。",
                ),
                (("年間処理時間", "時間", 800, 300),),
            ),
            TeamSpec(
                "税務証明チーム",
                "税務証明発行の効率化",
                "220",
                "20003",
                ("20008", "20040", "20009"),
                _sheet(
                    "税務証明の発行で、申請内容の確認に時間がかかる。",
                    "申請書の様式が分かりにくく、記入漏れが多い。",
                    "記入例つきの様式と確認手順の見直し。",
                    "一件あたりの発行時間を15分から5分に短縮。",
                    "窓口で記入漏れを確認し、書き直してもらっている。",
                    "申請の時点で不備がない。",
                    "様式を改め、確認項目を一覧にする。",
                ),
                (("一件あたりの発行時間", "分", 15, 5),),
            ),
            TeamSpec(
                "農地台帳チーム",
                "農地台帳の電子化",
                "510",
                "20036",
                ("20010", "20041", "20011"),
                _sheet(
                    "農地台帳が紙で、問い合わせのたびに書庫で探している。",
                    "台帳の更新が手書きで、検索ができない。",
                    "台帳をデータ化し、地番で検索できるようにする。",
                    "問い合わせ対応の時間を年間250時間削減。",
                    "紙の台帳を書庫で探している。",
                    "地図と連動した台帳で即答できる。",
                    "台帳をデータ化し、地番で検索する。",
                ),
                (("問い合わせ対応時間", "時間", 350, 100),),
            ),
        ),
        (
            ("2023-06-14", "BPRの考え方と業務の棚卸し", HALF_DAY),
            ("2023-07-12", "As-Is の可視化と課題の整理", HALF_DAY),
            ("2023-08-23", "To-Be / Can-Be の設計とデジタル技術", HALF_DAY),
            ("2023-10-11", "効果の測定と報告会の準備", HALF_DAY),
        ),
    ),
    YearSpec(
        2024,
        "令和6年度 BPRプロジェクト",
        "これまでの参加者がリーダーとなり、新しい職員とともに業務を見直す。研修は半日×4回。",
        (
            TeamSpec(
                "固定資産税問合せチーム",
                "固定資産税の問い合わせ対応の効率化",
                "220",
                "20003",
                ("20012", "20042", "20013"),
                _sheet(
                    "納税通知書の発送後、電話の問い合わせが集中する。",
                    "通知書の説明が分かりにくく、同じ質問が繰り返される。",
                    "よくある質問を通知書とホームページに載せる。",
                    "問い合わせ件数を4割減らす。",
                    "発送後の2週間は電話対応に追われている。",
                    "通知書を読めば分かる。",
                    "よくある質問を同封し、ホームページで案内する。",
                ),
                (("問い合わせ件数", "件", 2000, 1200), ("電話対応時間", "時間", 400, 240)),
            ),
            TeamSpec(
                "福祉申請チーム",
                "福祉サービス申請の電子化",
                "320",
                "20006",
                ("20014", "20043", "20015"),
                _sheet(
                    "福祉サービスの申請で、同じ内容を何度も書いてもらっている。",
                    "サービスごとに申請書が分かれている。",
                    "共通項目をまとめた申請フォームを作る。",
                    "申請の処理時間を年間300時間削減。",
                    "サービスごとに紙の申請書を受け付けている。",
                    "一度の申請で必要なサービスにつながる。",
                    "共通項目をまとめた電子申請フォームにする。",
                ),
                (("年間処理時間", "時間", 500, 200),),
            ),
            TeamSpec(
                "会議録チーム",
                "会議録作成の自動化",
                "110",
                "20038",
                ("20016", "20044", "20017"),
                _sheet(
                    "会議録の作成に、録音を聞き直す時間がかかる。",
                    "文字起こしを手で行っている。",
                    "音声の自動文字起こしを使い、確認と修正だけにする。",
                    "会議録の作成時間を年間600時間削減。",
                    "録音を聞きながら手で入力している。",
                    "会議の終了と同時に会議録の案ができる。",
                    "自動文字起こしの結果を確認・修正する。",
                ),
                (("会議録の作成時間", "時間", 800, 200), ("会議録の公開までの日数", "日", 30, 7)),
            ),
        ),
        (
            ("2024-06-12", "BPRの考え方と業務の棚卸し", HALF_DAY),
            ("2024-07-10", "As-Is の可視化と課題の整理", HALF_DAY),
            ("2024-08-21", "To-Be / Can-Be の設計とデジタル技術", HALF_DAY),
            ("2024-10-09", "効果の測定と報告会の準備", HALF_DAY),
        ),
    ),
    YearSpec(
        2026,
        "令和8年度 BPRプロジェクト",
        "参加者を募集しています。自分の業務または関連する業務からテーマを提案するか、"
        "提案されたチームに参加を申請してください。",
        (
            TeamSpec(
                "観光イベントチーム", "観光イベント申込の電子化", "520", "20045", ("20018", "20030")
            ),
            TeamSpec("道路通報チーム", "道路損傷通報の受付改善", "410", "20060", ()),
        ),
        status=Project.Status.RECRUITING,
    ),
)


def _window(spec: YearSpec) -> tuple[datetime.date, datetime.date]:
    if spec.status == Project.Status.RECRUITING:
        today = timezone.localdate()
        start = datetime.date(spec.fiscal_year, 4, 1)
        end = max(datetime.date(spec.fiscal_year + 1, 3, 31), today + datetime.timedelta(days=90))
        return min(start, today), end
    return datetime.date(spec.fiscal_year, 4, 10), datetime.date(spec.fiscal_year, 5, 20)


def _seed_year(spec: YearSpec, organiser: User, people: dict[str, User], depts) -> Project:
    starts, ends = _window(spec)
    recruiting = spec.status == Project.Status.RECRUITING
    # Past years act on days inside their window; the current one acts today.
    propose_day = None if recruiting else starts + datetime.timedelta(days=5)
    apply_day = None if recruiting else starts + datetime.timedelta(days=10)
    project = services.project_create(
        by=organiser,
        fiscal_year=spec.fiscal_year,
        title=spec.title,
        description=spec.description,
        recruitment_starts_on=starts,
        recruitment_ends_on=ends,
        team_size_min=3,
        team_size_max=5,
        coaching_vendor=VENDOR,
        # 所属長の承認 (issue 12) came with FY2026: the past years were decided without it.
        requires_head_consent=recruiting,
        weekly_hours_cap=demo_hours.WEEKLY_CAP,
    )
    services.project_transition(project=project, to=Project.Status.RECRUITING, by=organiser)
    teams: list[tuple[TeamSpec, Team]] = []
    for team_spec in spec.teams:
        team = services.team_propose(
            project=project,
            by=people[team_spec.leader],
            name=team_spec.name,
            theme=team_spec.theme,
            target_department=depts.get(team_spec.department),
            today=propose_day,
        )
        for number in team_spec.members:
            services.membership_apply(team=team, by=people[number], today=apply_day)
        teams.append((team_spec, team))
    if recruiting:
        _seed_head_consent(project, people)
        return project
    for _spec, team in teams:
        services.team_approve(team=team, by=organiser)
        for membership in Membership.objects.filter(team=team, status=Membership.Status.APPLIED):
            services.membership_approve(membership=membership, by=organiser)
    services.project_transition(project=project, to=Project.Status.IN_PROGRESS, by=organiser)
    for team_spec, team in teams:
        leader = people[team_spec.leader]
        services.worksheet_update(team=team, by=leader, **team_spec.worksheet)
        for order, (label, unit, before, after) in enumerate(team_spec.effects, start=1):
            services.measured_effect_add(
                team=team,
                by=leader,
                label=label,
                unit=unit,
                before=Decimal(before),
                after=Decimal(after),
                order=order,
            )
    demo_hours.seed_hours(project, people)
    members = list(
        Membership.objects.filter(project=project, status=Membership.Status.APPROVED)
        .order_by("user__employee_number")
        .values_list("user_id", flat=True)
    )
    for index, (day, topic, hours) in enumerate(spec.workshops):
        workshop = services.workshop_create(
            project=project,
            held_on=datetime.date.fromisoformat(day),
            topic=topic,
            hours=Decimal(hours),
        )
        # Everyone attends except one person per session, in turn (deterministic).
        absent = members[(index * 5) % len(members)]
        services.attendance_record(
            workshop=workshop,
            by=organiser,
            attended_user_ids=[pk for pk in members if pk != absent],
        )
    if spec.fiscal_year == DEMO_LEAVE[0]:
        _seed_leave(organiser, people)
    services.project_transition(project=project, to=Project.Status.REPORTING, by=organiser)
    return project


#: The demo's member on leave (issue 14): (年度, employee number, kind, first, last day).
#: A leave that ended before the report meeting: the member took part again, so rating
#: and certification are what they were without it (docs/demo-certifications.md).
DEMO_LEAVE = (2024, "20043", "childcare", datetime.date(2024, 10, 1), datetime.date(2025, 1, 31))


def _seed_leave(organiser: User, people: dict[str, User]) -> None:
    year, number, kind, first, last = DEMO_LEAVE
    membership = Membership.objects.get(
        project__fiscal_year=year, user=people[number], status=Membership.Status.APPROVED
    )
    services.membership_leave_add(
        membership=membership, kind=kind, starts_on=first, ends_on=last, by=organiser
    )


HEAD = accounts_demo.DEMO_HEAD  # 20078, こども家庭課長: 所属長 of 20018 and 20030
CONSENTED = "20018"
COVERAGE = "月・木の窓口当番は清水さん（20042）が代わり、保育所入所の審査は係内で分担します。"


def _seed_head_consent(project: Project, people: dict[str, User]) -> None:
    """The 課長 of こども家庭課 consents to one application; the other stays pending."""
    head = User.objects.get(employee_number=HEAD)
    consent = HeadConsent.objects.get(
        membership__project=project, membership__user=people[CONSENTED]
    )
    services.head_consent(consent=consent, by=head, coverage=COVERAGE)


@transaction.atomic
def seed() -> dict[str, int]:
    """Create the demo projects that do not exist yet. Returns how many were created."""
    accounts_demo.seed_people()
    organiser = User.objects.get(employee_number=ORGANISER)
    numbers = {n for spec in YEARS for t in spec.teams for n in (t.leader, *t.members)}
    numbers |= {entry[0] for entries in demo_hours.HOURS.values() for entry in entries}
    people = {u.employee_number: u for u in User.objects.filter(employee_number__in=numbers)}
    depts = {d.code: d for d in Department.objects.all()}
    created = {"projects": 0}
    for spec in YEARS:
        if Project.objects.filter(fiscal_year=spec.fiscal_year, title=spec.title).exists():
            continue
        _seed_year(spec, organiser, people, depts)
        created["projects"] += 1
    return created
