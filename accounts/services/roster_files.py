"""Reading a roster file into rows: CSV (UTF-8 with or without BOM, or Shift_JIS / CP932
as Japanese Excel saves it) or XLSX, with the columns 職員番号, 姓, 名, セイ, メイ,
所属コード, 職位 and メールアドレス. `roster_import` (`roster.py`) checks and applies them."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..exceptions import RosterFileError
from ..models import Grade
from ..validators import contains_nul

MAX_ROWS = 5000

# canonical field → accepted header spellings (compared after NFKC, case-insensitively)
COLUMNS: dict[str, tuple[str, ...]] = {
    "employee_number": ("職員番号",),
    "last_name": ("姓", "氏"),
    "first_name": ("名",),
    "last_name_kana": ("セイ", "姓カナ", "姓(カナ)", "姓フリガナ"),
    "first_name_kana": ("メイ", "名カナ", "名(カナ)", "名フリガナ"),
    "department": ("所属コード",),
    "grade": ("職位",),
    "email": ("メールアドレス", "email", "e-mail", "メール"),
}
REQUIRED = (
    "employee_number",
    "last_name",
    "first_name",
    "last_name_kana",
    "first_name_kana",
    "department",
    "grade",
)
FIELD_LABELS = {
    "employee_number": "職員番号",
    "last_name": "姓",
    "first_name": "名",
    "last_name_kana": "セイ",
    "first_name_kana": "メイ",
    "department": "所属コード",
    "grade": "職位",
    "email": "メールアドレス",
    "is_active": "有効",
}

GRADE_NAMES: dict[str, int] = {
    "主事・技師": Grade.SHUJI,
    "主事": Grade.SHUJI,
    "技師": Grade.SHUJI,
    "主事技師": Grade.SHUJI,
    "主任": Grade.SHUNIN,
    "係長": Grade.KAKARICHO,
    "課長補佐": Grade.KACHO_HOSA,
    "課長": Grade.KACHO,
    "部長": Grade.BUCHO,
    "副市長・市長": Grade.SHICHO,
    "副市長": Grade.SHICHO,
    "市長": Grade.SHICHO,
}
EMPLOYEE_NUMBER = re.compile(r"^[0-9A-Za-z-]{1,20}$")
KATAKANA = re.compile(r"^[ァ-ヶー・　 ]*$")


@dataclass(frozen=True)
class RosterRow:
    line: int  # the line (CSV) or row (XLSX) number the person sees in the file
    values: dict[str, str]


@dataclass
class RowError:
    line: int
    employee_number: str
    messages: list[str]


@dataclass
class PersonChange:
    employee_number: str
    name: str
    changes: list[str] = field(default_factory=list)


@dataclass
class RosterResult:
    total: int = 0
    created: list[PersonChange] = field(default_factory=list)
    updated: list[PersonChange] = field(default_factory=list)
    unchanged: int = 0
    deactivated: list[PersonChange] = field(default_factory=list)
    kept_active: list[PersonChange] = field(default_factory=list)  # the importer themself
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes_anything(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)


# --- reading files ----------------------------------------------------------------------


def _norm(text) -> str:
    """NFKC (half-width katakana → full-width, full-width digits → ASCII), trimmed."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)  # Excel stores 20001 as 20001.0
    return unicodedata.normalize("NFKC", str(text)).strip()


def _header_map(headers: list) -> dict[int, str]:
    wanted = {
        unicodedata.normalize("NFKC", spelling).lower().replace(" ", ""): name
        for name, spellings in COLUMNS.items()
        for spelling in spellings
    }
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = _norm(header).lower().replace(" ", "").replace("（", "(").replace("）", ")")
        if key in wanted and wanted[key] not in found.values():
            found[index] = wanted[key]
    missing = [FIELD_LABELS[name] for name in (*REQUIRED, "email") if name not in found.values()]
    if missing:
        raise RosterFileError(
            _("必要な列がありません：%(columns)s") % {"columns": "、".join(missing)},
            code="columns",
        )
    return found


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM) first; Shift_JIS/CP932 (Japanese Excel) otherwise."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp932")
    except UnicodeDecodeError as error:
        raise RosterFileError(
            _("文字コードを判別できません。UTF-8 または Shift_JIS で保存してください。"),
            code="encoding",
        ) from error


def _rows_from_table(table: list[list]) -> list[RosterRow]:
    # skip leading blank lines before the header
    start = 0
    while start < len(table) and not any(_norm(c) for c in table[start]):
        start += 1
    if start >= len(table):
        raise RosterFileError(_("ファイルにデータがありません。"), code="empty")
    columns = _header_map(table[start])
    for number, cells in enumerate(table, start=1):
        if any(contains_nul(cell) for cell in cells):
            # PostgreSQL cannot even compare with a NUL: refuse the file before any query.
            raise RosterFileError(
                _("%(line)s行目に使用できない文字（NUL文字）が含まれています。") % {"line": number},
                code="nul",
            )
    rows = []
    for offset, cells in enumerate(table[start + 1 :], start=start + 2):
        if not any(_norm(c) for c in cells):
            continue
        values = dict.fromkeys(COLUMNS, "")
        for index, name in columns.items():
            values[name] = _norm(cells[index]) if index < len(cells) else ""
        rows.append(RosterRow(line=offset, values=values))
    if not rows:
        raise RosterFileError(_("ファイルにデータがありません。"), code="empty")
    if len(rows) > MAX_ROWS:
        raise RosterFileError(
            _("一度に取り込めるのは%(max)s行までです。") % {"max": MAX_ROWS}, code="too_many"
        )
    return rows


def read_roster_file(*, content: bytes, filename: str = "") -> list[RosterRow]:
    """Rows of a roster file (CSV in UTF-8/UTF-8 BOM/CP932, or XLSX: first sheet)."""
    if content.startswith(b"PK") or filename.lower().endswith(".xlsx"):
        return _rows_from_table(_read_xlsx(content))
    text = _decode(content)
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise RosterFileError(_("CSVとして読み取れません。"), code="csv") from error
    return _rows_from_table(table)


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise RosterFileError(
            _("Excelファイル（.xlsx）として読み取れません。"), code="xlsx"
        ) from error
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


# --- validating and importing -----------------------------------------------------------


