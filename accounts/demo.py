"""Demo people and departments for `manage.py seed_demo`. Deterministic and idempotent:
records are looked up by their natural keys, so a second run changes nothing."""

import random
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Department, Grade, User
from .roles import Role

DEMO_PASSWORD = "moka-dx-demo"

DEPARTMENTS = [
    # code, name, parent code
    ("100", "総務部", None),
    ("110", "総務課", "100"),
    ("120", "デジタル戦略課", "100"),
    ("130", "人事課", "100"),
    ("200", "市民生活部", None),
    ("210", "市民課", "200"),
    ("220", "税務課", "200"),
    ("300", "健康福祉部", None),
    ("310", "こども家庭課", "300"),
    ("320", "福祉課", "300"),
    ("400", "建設部", None),
    ("410", "建設課", "400"),
    ("420", "都市計画課", "400"),
    ("500", "産業環境部", None),
    ("510", "農政課", "500"),
    ("520", "商工観光課", "500"),
    ("600", "会計課", None),
]

SURNAMES = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("渡辺", "ワタナベ"),
    ("伊藤", "イトウ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("斎藤", "サイトウ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("清水", "シミズ"),
    ("大塚", "オオツカ"),
    ("石川", "イシカワ"),
    ("小松", "コマツ"),
    ("荒井", "アライ"),
    ("関", "セキ"),
]
GIVEN_NAMES = [
    ("大輔", "ダイスケ"),
    ("健太", "ケンタ"),
    ("翔太", "ショウタ"),
    ("拓也", "タクヤ"),
    ("直樹", "ナオキ"),
    ("誠", "マコト"),
    ("亮", "リョウ"),
    ("和也", "カズヤ"),
    ("美咲", "ミサキ"),
    ("愛", "アイ"),
    ("陽子", "ヨウコ"),
    ("恵", "メグミ"),
    ("彩", "アヤ"),
    ("真由美", "マユミ"),
    ("由紀", "ユキ"),
    ("智子", "トモコ"),
    ("悠斗", "ユウト"),
    ("結衣", "ユイ"),
    ("隆", "タカシ"),
    ("裕子", "ユウコ"),
]

# Grades of the 80 demo staff: mostly 係長 and below, as the programme's eligibility.
GRADE_MIX = (
    [Grade.SHUJI] * 34
    + [Grade.SHUNIN] * 22
    + [Grade.KAKARICHO] * 14
    + [Grade.KACHO_HOSA] * 6
    + [Grade.KACHO] * 4
)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    login: str
    name: str


@dataclass(frozen=True)
class Person:
    employee_number: str | None
    last_name: str
    first_name: str
    last_name_kana: str
    first_name_kana: str
    department: str | None
    grade: int | None
    roles: tuple[str, ...]
    email: str = ""
    affiliation: str = ""


def demo_people() -> list[Person]:
    """The demo city's people, always the same list."""
    rng = random.Random(486)  # Moka's staff count, for luck
    section_codes = [code for code, _n, parent in DEPARTMENTS if parent or code == "600"]
    people = [
        Person(
            "10001",
            "石崎",
            "努",
            "イシザキ",
            "ツトム",
            "120",
            Grade.KAKARICHO,
            (Role.STAFF, Role.ORGANISER),
        ),
        Person(
            "10002",
            "大島",
            "千尋",
            "オオシマ",
            "チヒロ",
            "120",
            Grade.SHUNIN,
            (Role.STAFF, Role.ORGANISER),
        ),
        Person(
            "10003",
            "野口",
            "学",
            "ノグチ",
            "マナブ",
            "130",
            Grade.KAKARICHO,
            (Role.STAFF, Role.HR_ADMIN),
        ),
        # A second HR admin: certification decisions follow the two-person rule.
        Person(
            "10004",
            "石川",
            "真理",
            "イシカワ",
            "マリ",
            "130",
            Grade.SHUNIN,
            (Role.STAFF, Role.HR_ADMIN),
        ),
        Person(
            "90001",
            "岡田",
            "正人",
            "オカダ",
            "マサト",
            "100",
            Grade.BUCHO,
            (Role.STAFF, Role.EXECUTIVE),
        ),
        Person(
            "90002",
            "小川",
            "弘",
            "オガワ",
            "ヒロシ",
            "200",
            Grade.BUCHO,
            (Role.STAFF, Role.EXECUTIVE),
        ),
        Person(
            "90003",
            "中島",
            "聡子",
            "ナカジマ",
            "サトコ",
            "300",
            Grade.BUCHO,
            (Role.STAFF, Role.EXECUTIVE),
        ),
        Person(
            "90004",
            "藤田",
            "修",
            "フジタ",
            "オサム",
            "400",
            Grade.BUCHO,
            (Role.STAFF, Role.EXECUTIVE),
        ),
        Person(
            "90005",
            "前田",
            "浩二",
            "マエダ",
            "コウジ",
            "500",
            Grade.BUCHO,
            (Role.STAFF, Role.EXECUTIVE),
        ),
        Person(
            None,
            "森",
            "健一",
            "モリ",
            "ケンイチ",
            None,
            None,
            (Role.EXTERNAL_EXPERT,),
            email="mori@vendor.example.jp",
            affiliation="株式会社とちぎデジタル",
        ),
        Person(
            None,
            "長谷川",
            "恵美",
            "ハセガワ",
            "エミ",
            None,
            None,
            (Role.EXTERNAL_EXPERT,),
            email="hasegawa@vendor.example.jp",
            affiliation="株式会社とちぎデジタル",
        ),
    ]
    used = {(p.last_name, p.first_name) for p in people}
    for index, grade in enumerate(GRADE_MIX):
        while True:
            last, last_kana = rng.choice(SURNAMES)
            first, first_kana = rng.choice(GIVEN_NAMES)
            if (last, first) not in used:
                used.add((last, first))
                break
        people.append(
            Person(
                f"{20001 + index}",
                last,
                first,
                last_kana,
                first_kana,
                section_codes[index % len(section_codes)],
                grade,
                (Role.STAFF,),
            )
        )
    return people


# Staff whose part in the demo is worth a login of its own: the FY2023 leader (an Expert
# candidate) and the こども家庭課長, the 所属長 who consents in the demo (projects.demo.HEAD).
DEMO_LEADER = "20002"
DEMO_HEAD = "20078"


def demo_logins() -> list[DemoLogin]:
    """Every demo login with a role beyond 職員, by role, one plain staff member, a team
    leader and the 所属長 who consents in the demo (as the README's table).

    Read from `demo_people()` so that the list printed by `make run` and the README can
    never miss a person the default rule needs (two executives and one external expert
    score each presentation)."""
    people = demo_people()
    by_login = {p.employee_number or p.email: p for p in people}

    def login(role: str, person: Person) -> DemoLogin:
        return DemoLogin(
            role, person.employee_number or person.email, f"{person.last_name} {person.first_name}"
        )

    order = (Role.STAFF, Role.EXECUTIVE, Role.EXTERNAL_EXPERT, Role.ORGANISER, Role.HR_ADMIN)
    logins = []
    for role in order:
        for person in people:
            extra = [r for r in person.roles if r != Role.STAFF]
            main_role = extra[0] if extra else Role.STAFF
            if main_role != role:
                continue
            logins.append(login(str(role.label), person))
            if role == Role.STAFF:
                # one example: the 80 plain staff all look alike; then a team leader
                logins.append(
                    login(f"{Role.STAFF.label}（{_('リーダー')}）", by_login[DEMO_LEADER])
                )
                break
    logins.append(login(f"{Role.STAFF.label}（{_('所属長')}）", by_login[DEMO_HEAD]))
    return logins


@transaction.atomic
def seed_people() -> dict[str, int]:
    """Create the demo departments and people where missing. Returns counts created."""
    created = {"departments": 0, "users": 0}
    by_code = {d.code: d for d in Department.objects.all()}
    for code, name, parent in DEPARTMENTS:
        if code not in by_code:
            by_code[code] = Department.objects.create(
                code=code, name=name, parent=by_code.get(parent)
            )
            created["departments"] += 1
    groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Role])}
    existing_numbers = set(
        User.objects.exclude(employee_number=None).values_list("employee_number", flat=True)
    )
    existing_emails = set(User.objects.exclude(email="").values_list("email", flat=True))
    for person in demo_people():
        email = person.email or f"{person.employee_number}@city.moka.example.jp"
        if person.employee_number in existing_numbers or email in existing_emails:
            continue
        user = User(
            employee_number=person.employee_number,
            email=email,
            last_name=person.last_name,
            first_name=person.first_name,
            last_name_kana=person.last_name_kana,
            first_name_kana=person.first_name_kana,
            department=by_code.get(person.department) if person.department else None,
            grade=person.grade,
            affiliation=person.affiliation,
        )
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
        user.groups.set([groups[r] for r in person.roles])
        created["users"] += 1
    return created
