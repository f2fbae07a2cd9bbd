"""The staff roster import: real files built here (CSV in UTF-8 with BOM, CP932, UTF-8
without BOM, and XLSX) go through the same reading and importing as the admin page."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from accounts.exceptions import RosterFileError
from accounts.models import Grade, User
from accounts.roles import Role
from accounts.services import read_roster_file, roster_import
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = ["職員番号", "姓", "名", "セイ", "メイ", "所属コード", "職位", "メールアドレス"]
PEOPLE = [
    ["40001", "真岡", "花子", "モオカ", "ハナコ", "410", "主事・技師", "40001@city.test"],
    ["40002", "芳賀", "一郎", "ハガ", "イチロウ", "410", "係長", "40002@city.test"],
    ["40003", "益子", "次郎", "ﾏｼｺ", "ｼﾞﾛｳ", "310", "2", ""],
]


@pytest.fixture(autouse=True)
def departments():
    factories.DepartmentFactory(code="410", name="建設課")
    factories.DepartmentFactory(code="310", name="こども家庭課")


def csv_bytes(rows, encoding="utf-8-sig"):
    text = "\r\n".join(",".join(row) for row in [HEADER, *rows]) + "\r\n"
    return text.encode(encoding)


def xlsx_bytes(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([int(row[0]), *row[1:]])  # Excel keeps 職員番号 as a number
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def do_import(content, filename="roster.csv", full_roster=False, dry_run=False, by=None):
    rows = read_roster_file(content=content, filename=filename)
    return roster_import(rows=rows, full_roster=full_roster, dry_run=dry_run, by=by)


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (csv_bytes(PEOPLE, "utf-8-sig"), "roster.csv"),
        (csv_bytes(PEOPLE, "utf-8"), "roster.csv"),
        (csv_bytes(PEOPLE, "cp932"), "roster.csv"),
        (xlsx_bytes(PEOPLE), "roster.xlsx"),
    ],
    ids=["utf8-bom", "utf8", "cp932", "xlsx"],
)
def test_a_roster_file_creates_staff_in_any_accepted_format(content, filename):
    result = do_import(content, filename)
    assert result.applied
    assert [c.employee_number for c in result.created] == ["40001", "40002", "40003"]
    hanako = User.objects.get(employee_number="40001")
    assert hanako.full_name == "真岡 花子"
    assert hanako.department.code == "410"
    assert hanako.grade == Grade.SHUJI
    assert hanako.has_role(Role.STAFF)
    assert not hanako.has_usable_password()
    jiro = User.objects.get(employee_number="40003")
    assert jiro.last_name_kana == "マシコ"  # half-width kana become full-width
    assert jiro.grade == Grade.SHUNIN
    assert User.objects.get(employee_number="40002").grade == Grade.KAKARICHO


def test_the_preview_writes_nothing():
    result = do_import(csv_bytes(PEOPLE), dry_run=True)
    assert len(result.created) == 3
    assert not result.applied
    assert not User.objects.filter(employee_number__startswith="400").exists()


def test_importing_the_same_file_again_changes_nothing():
    do_import(csv_bytes(PEOPLE))
    history = User.history.count()
    result = do_import(csv_bytes(PEOPLE, "cp932"))
    assert result.unchanged == 3
    assert not result.changes_anything
    assert User.history.count() == history


def test_a_changed_row_updates_the_person_and_says_what_changed():
    do_import(csv_bytes(PEOPLE))
    moved = [PEOPLE[0][:5] + ["310", "主任", "40001@city.test"], *PEOPLE[1:]]
    result = do_import(csv_bytes(moved))
    assert [c.employee_number for c in result.updated] == ["40001"]
    assert any("主事・技師 → 主任" in change for change in result.updated[0].changes)
    hanako = User.objects.get(employee_number="40001")
    assert hanako.department.code == "310"
    assert hanako.grade == Grade.SHUNIN


def test_a_file_with_any_bad_row_imports_nothing_and_lists_each_bad_row():
    rows = [
        PEOPLE[0],
        ["", "芳賀", "一郎", "ハガ", "イチロウ", "410", "係長", ""],
        ["40004", "茂木", "三郎", "もてぎ", "サブロウ", "999", "社長", "not-an-email"],
        ["40001", "真岡", "花子", "Hanako", "ハナコ", "410", "主事", ""],
    ]
    result = do_import(csv_bytes(rows))
    assert not result.applied
    assert not User.objects.filter(employee_number__startswith="400").exists()
    by_line = {e.line: e.messages for e in result.errors}
    assert sorted(by_line) == [3, 4, 5]
    assert any("「職員番号」が空です" in m for m in by_line[3])
    assert any("所属コード「999」は登録されていません" in m for m in by_line[4])
    assert any("職位「社長」が分かりません" in m for m in by_line[4])
    assert any("メールアドレス「not-an-email」の形式" in m for m in by_line[4])
    assert any("2行目と重複しています" in m for m in by_line[5])
    assert any("カタカナで入力してください" in m for m in by_line[5])


def test_hiragana_readings_are_accepted_as_katakana():
    rows = [["40004", "茂木", "三郎", "もてぎ", "さぶろう", "410", "主事", ""]]
    do_import(csv_bytes(rows))
    assert User.objects.get(employee_number="40004").full_name_kana == "モテギ サブロウ"


def test_an_email_of_another_person_is_refused():
    factories.UserFactory(employee_number="50000", email="40001@city.test")
    result = do_import(csv_bytes(PEOPLE))
    assert not result.applied
    assert "職員番号 50000" in result.errors[0].messages[0]


def test_a_full_roster_deactivates_missing_staff_and_never_deletes_them(hr_admin):
    do_import(csv_bytes(PEOPLE))
    left = factories.UserFactory(employee_number="39999")
    expert = factories.ExpertFactory()
    result = do_import(csv_bytes(PEOPLE[:2]), full_roster=True, by=hr_admin)
    deactivated = {c.employee_number for c in result.deactivated}
    assert deactivated == {"40003", "39999"}
    assert [c.employee_number for c in result.kept_active] == [hr_admin.employee_number]
    left.refresh_from_db()
    expert.refresh_from_db()
    hr_admin.refresh_from_db()
    assert not left.is_active
    assert User.objects.filter(employee_number="40003", is_active=False).exists()
    assert expert.is_active  # not staff, no 職員番号
    assert hr_admin.is_active


def test_without_full_roster_nobody_is_deactivated():
    factories.UserFactory(employee_number="39999")
    result = do_import(csv_bytes(PEOPLE))
    assert not result.deactivated
    assert User.objects.get(employee_number="39999").is_active


def test_a_deactivated_person_in_the_file_is_reactivated():
    do_import(csv_bytes(PEOPLE))
    User.objects.filter(employee_number="40001").update(is_active=False)
    result = do_import(csv_bytes(PEOPLE))
    assert [c.employee_number for c in result.updated] == ["40001"]
    assert User.objects.get(employee_number="40001").is_active


def test_a_file_without_the_needed_columns_is_refused():
    with pytest.raises(RosterFileError, match="必要な列がありません：.*所属コード"):
        read_roster_file(content="職員番号,姓,名\r\n1,a,b\r\n".encode(), filename="x.csv")


def test_a_file_in_an_unknown_encoding_is_refused():
    content = "職員番号".encode("utf-16")
    with pytest.raises(RosterFileError):
        read_roster_file(content=content + b"\xff\xfe\x00\xd8", filename="x.csv")


def test_a_broken_xlsx_is_refused():
    with pytest.raises(RosterFileError, match="Excel"):
        read_roster_file(content=b"PK\x03\x04broken", filename="x.xlsx")


# --- the admin page ---------------------------------------------------------------------


def test_hr_previews_then_confirms_an_import_in_the_admin(client, hr_admin):
    client.force_login(hr_admin)
    url = reverse("admin:accounts_user_roster_import")
    assert client.get(url).status_code == 200
    upload = io.BytesIO(csv_bytes(PEOPLE, "cp932"))
    upload.name = "roster.csv"
    preview = client.post(url, {"file": upload, "action": "preview"})
    assert preview.status_code == 200
    assert "40001" in preview.content.decode()
    assert not User.objects.filter(employee_number="40001").exists()
    token = preview.context["token"]
    done = client.post(url, {"action": "confirm", "token": token})
    assert done.status_code == 302
    assert User.objects.filter(employee_number__startswith="400").count() == 3
    # the stored preview is used once only
    again = client.post(url, {"action": "confirm", "token": token})
    assert again.status_code == 200
    assert "もう一度" in again.content.decode()


def test_a_bad_file_is_shown_with_its_reasons_and_cannot_be_confirmed(client, hr_admin):
    client.force_login(hr_admin)
    upload = io.BytesIO(
        csv_bytes([["40001", "真岡", "花子", "モオカ", "ハナコ", "999", "主事", ""]])
    )
    upload.name = "roster.csv"
    response = client.post(
        reverse("admin:accounts_user_roster_import"), {"file": upload, "action": "preview"}
    )
    body = response.content.decode()
    assert "所属コード「999」は登録されていません" in body
    assert response.context["token"] is None
    assert not User.objects.filter(employee_number="40001").exists()


def test_an_organiser_cannot_import_the_roster(client, organiser):
    client.force_login(organiser)
    assert client.get(reverse("admin:accounts_user_roster_import")).status_code == 403
