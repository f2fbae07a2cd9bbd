"""Shared pieces of the hostile-input tests (tests/test_hostile_input.py): the world every
form is posted against, the hostile value strategies, the database snapshot and the
"refused → nothing changed / accepted → a whole, coherent object" check."""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.apps import apps
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from hypothesis import strategies as st

from certification.models import Certification
from evaluations.models import Perspective, Rubric
from projects.models import Membership
from tests import factories
from tests.matrix import build_world

OUR_APPS = ("accounts", "projects", "evaluations", "training", "certification")

# --- the world ----------------------------------------------------------------------------


def hostile_world() -> SimpleNamespace:
    """The permission matrix's world with every app's additions, plus what the forms here
    need: an applicant waiting for approval, a second presentation, a second colleague
    of the leader's department, and an active and a flagged certification."""
    world = build_world()
    for app in ("projects", "evaluations", "training", "certification"):
        importlib.import_module(f"tests.{app}.matrix").extend(world)
    world.applicant = factories.MembershipFactory(team=world.team, status=Membership.Status.APPLIED)
    world.presentation2 = factories.PresentationFactory(
        meeting=world.meeting, team=world.second_team, order=2
    )
    world.colleague2 = factories.UserFactory(department=world.leader.department)
    world.leadership_rubric = Rubric.objects.get(
        fiscal_year=world.project.fiscal_year, perspective=Perspective.LEADERSHIP
    )
    world.flagged = factories.CertificationFactory(
        user=world.leader, level=1, status=Certification.Status.FLAGGED, flag_reason="再確認"
    )
    # Someone whose application to the recruiting project's team may still be withdrawn.
    world.recruit = factories.UserFactory()
    world.recruit_membership = factories.MembershipFactory(
        team=world.proposed_team, user=world.recruit, status=Membership.Status.APPLIED
    )
    # An approved team of the meeting's project with no presentation yet.
    world.third_team = factories.team_with(project=world.project)
    return world


# --- hostile values -----------------------------------------------------------------------

OMIT = object()  # the field is left out of the POST altogether

NASTY = [
    "",
    " ",
    "\u3000",
    "\x00",
    "abc\x00def",
    "０１２３４５６７８９",
    "ＴＥＳＴ　全角テキスト",
    "😀",
    "👨‍👩‍👧‍👦🇯🇵",
    "-1",
    "-2147483649",
    "0",
    "000",
    str(2**31),
    str(2**63),
    str(-(2**63) - 1),
    "9" * 40,
    "1e400",
    "-1e400",
    "NaN",
    "Infinity",
    "1.5",
    "1,200",
    "١٢٣",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil.example/")',
    "' OR 1=1 --",
    "\u202eevil",
    "\ufeff",
    "a\r\nb",
    "true",
    "None",
    "[]",
    "2024-02-30",
    "9999-12-31",
    "0000-00-00",
    "../../etc/passwd",
]


# Valid but odd: what people may legitimately type, and what must still be stored as typed
# and shown escaped (full-width, emoji, markup, formulas, quotes, RTL marks, line breaks).
ODD = [
    "ＴＥＳＴ　全角テキスト",
    "𠮷野家の髙橋😀",
    "👨‍👩‍👧‍👦🇯🇵",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil.example/")',
    "@SUM(1+1)",
    "' OR 1=1 --",
    "\u202eevil",
    "a\r\nb",
    "Robert'); DROP TABLE accounts_user;--",
]


def odd_text(max_length: int = 40) -> str:
    """One valid-but-odd text that fits `max_length`, for the explicit examples."""
    return "".join(ODD[:4])[:max_length]


def hostile(max_length: int | None = None) -> st.SearchStrategy:
    """Random, oversized (10× max_length), full-width, emoji, NUL, negative, huge and
    absent values."""
    parts = [
        st.sampled_from(NASTY),
        st.text(max_size=30),
        st.integers(min_value=-(2**80), max_value=2**80).map(str),
        st.just(OMIT),
    ]
    if max_length:
        parts.append(st.sampled_from("あa😀\x00<").map(lambda c: c * (10 * max_length)))
    return st.one_of(parts)


def mixed(valid: st.SearchStrategy, bad: st.SearchStrategy) -> st.SearchStrategy:
    """A valid or a hostile value; the valid part is kept (`.valid`) so that a whole form
    can be drawn valid except for one field."""
    strategy = st.one_of(valid, bad)
    strategy.valid = valid
    return strategy


def form_data(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """Three kinds of POST, equally often: every field valid (the accepted path), every
    field valid but one hostile (the refusal that could leave a partial write), and every
    field free to be hostile."""
    valid = {name: getattr(s, "valid", s) for name, s in fields.items()}
    if not fields:
        return st.just({})

    def one_bad(name):
        return st.fixed_dictionaries({**valid, name: fields[name]})

    return st.one_of(
        st.fixed_dictionaries(valid),
        st.sampled_from(sorted(fields)).flatmap(one_bad),
        st.fixed_dictionaries(fields),
    )


SAFE_CHARS = st.characters(exclude_categories=("Cs", "Cc"))


def text(max_length: int) -> st.SearchStrategy:
    """Valid text (so that some examples are accepted), or hostile text."""
    valid = st.one_of(
        st.text(alphabet=SAFE_CHARS, min_size=1, max_size=min(max_length, 40)).filter(
            lambda s: s.strip()
        ),
        st.sampled_from([s[:max_length] for s in ODD]),
        st.just(("あ😀<" * max_length)[:max_length]),  # exactly at the limit
    )
    return mixed(valid, hostile(max_length))


def choice(values) -> st.SearchStrategy:
    return mixed(st.sampled_from([str(v) for v in values]), hostile())


def ids(values) -> st.SearchStrategy:
    """A real id (often one the actor may not use: a forged id) or a hostile value."""
    return mixed(st.sampled_from([str(v) for v in values]), hostile())


def decimal(min_value=-(10**6), max_value=10**6, places=2) -> st.SearchStrategy:
    valid = st.decimals(min_value, max_value, places=places, allow_nan=False).map(str)
    return mixed(valid, hostile())


def date() -> st.SearchStrategy:
    valid = st.dates(datetime.date(2020, 1, 1), datetime.date(2099, 12, 31)).map(
        datetime.date.isoformat
    )
    return mixed(valid, hostile())


def integer(min_value, max_value) -> st.SearchStrategy:
    return mixed(st.integers(min_value, max_value).map(str), hostile())


def many(values) -> st.SearchStrategy:
    return st.one_of(st.lists(ids(values), max_size=4), hostile())


PDF = b"%PDF-1.7\n%hostile\n"


def upload() -> st.SearchStrategy:
    """A materials file: a good PDF, or one of the wrong type, name or size."""
    return st.one_of(
        st.just(OMIT),
        st.sampled_from(
            [
                ("slides.pdf", PDF),
                ("virus.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),
                ("image.pptx", b"\x89PNG\r\n\x1a\n"),
                ("slides.exe", PDF),
                ("スライド😀.pdf", PDF),
                ("a" * 300 + ".pdf", PDF),
                ("noext", PDF),
                ("empty.pdf", b""),
            ]
        ).map(lambda pair: SimpleUploadedFile(pair[0], pair[1])),
    )


def roster_file() -> st.SearchStrategy:
    header = "職員番号,姓,名,セイ,メイ,所属コード,職位,メールアドレス\r\n"
    cells = st.one_of(st.sampled_from(NASTY), st.text(max_size=12)).map(
        lambda s: s.replace(",", "").replace("\r", "").replace("\n", "").replace('"', "")
    )
    csv_body = st.lists(cells, min_size=8, max_size=8).map(lambda row: ",".join(row) + "\r\n")
    csv_file = st.lists(csv_body, min_size=1, max_size=3).map(
        lambda rows: SimpleUploadedFile("roster.csv", (header + "".join(rows)).encode("utf-8"))
    )
    garbage = st.binary(max_size=200).map(lambda b: SimpleUploadedFile("roster.csv", b))
    fake_xlsx = st.binary(max_size=200).map(lambda b: SimpleUploadedFile("roster.xlsx", b"PK" + b))
    wrong = st.just(SimpleUploadedFile("roster.exe", b"MZ"))
    return st.one_of(st.just(OMIT), csv_file, garbage, fake_xlsx, wrong)


# --- the table's row type -----------------------------------------------------------------


@dataclass
class Form:
    """One form's POST: who posts it, where, with which fields (a strategy per field, each
    mixing valid and hostile values), and which models it may write when accepted."""

    url_name: str
    actor: str
    fields: Callable[[SimpleNamespace], dict[str, st.SearchStrategy]] = lambda w: {}
    kwargs: Callable[[SimpleNamespace], dict] = lambda w: {}
    writes: tuple[str, ...] = ()
    static: Callable[[SimpleNamespace], dict] = lambda w: {}
    accepted: Callable | None = None  # response → bool, when no success message tells
    examples: int = 25
    some_refused: bool = True  # False: the view ignores posted fields (a bare action)
    # Explicit valid-but-odd POSTs (world → list of dicts), always tried first, so that
    # every form that can accept a request is seen accepting one (and its writes checked).
    odd: Callable[[SimpleNamespace], list[dict]] = lambda w: []
    accepts: bool = True  # False: no POST is ever accepted (a read-only page)
    # A second request completing a two-step form (client, url, first response) → the
    # final response, or None when the first response offers no second step.
    follow_up: Callable | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


# --- database state -----------------------------------------------------------------------


def our_models() -> list[type[models.Model]]:
    return [
        model
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    ]


_SNAPSHOT_SQL: str | None = None


def snapshot() -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of every table of our apps (history tables and
    many-to-many tables included), in one query."""
    global _SNAPSHOT_SQL
    if _SNAPSHOT_SQL is None:
        qn = connection.ops.quote_name
        tables = sorted({m._meta.db_table for m in our_models()})
        _SNAPSHOT_SQL = " UNION ALL ".join(
            # Table names of our own models, never input.
            f"SELECT '{t}', count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), ''))"  # noqa: S608
            f" FROM {qn(t)} r"
            for t in tables
        )
    with connection.cursor() as cursor:
        cursor.execute(_SNAPSHOT_SQL)
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


def changed_tables(before: dict, after: dict) -> set[str]:
    return {table for table in after if before.get(table) != after[table]}


def tables_of(labels) -> set[str]:
    """The tables of the named models, with their history tables."""
    result = set()
    for label in labels:
        model = apps.get_model(label)
        result.add(model._meta.db_table)
        history = getattr(model, "history", None)
        if history is not None:
            result.add(history.model._meta.db_table)
        for m2m in model._meta.many_to_many:
            result.add(m2m.remote_field.through._meta.db_table)
    return result


def assert_coherent(labels, tables: set[str]) -> None:
    """Every row of each written model passes its model's validation (fields, lengths,
    choices, check and unique constraints) and holds no NUL."""
    for label in labels:
        model = apps.get_model(label)
        if model._meta.db_table not in tables:
            continue
        for obj in model.objects.all():
            for f in model._meta.concrete_fields:
                value = getattr(obj, f.attname)
                assert not (isinstance(value, str) and "\x00" in value), (label, f.name)
            obj.full_clean()


def new_messages(response) -> list[tuple[int, str]]:
    """The messages this request queued (not ones left over from an earlier one)."""
    storage = getattr(response.wsgi_request, "_messages", None)
    return [(m.level, str(m)) for m in getattr(storage, "_queued_messages", [])]


def has_success(response) -> bool:
    return any(level == messages.SUCCESS for level, _text in new_messages(response))


def file_payload(value):
    """A SimpleUploadedFile can be posted once: give each request a fresh copy."""
    if isinstance(value, SimpleUploadedFile):
        value.seek(0)
        return SimpleUploadedFile(value.name, value.read(), value.content_type)
    return value
