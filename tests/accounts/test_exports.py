"""The one CSV / XLSX download helper (accounts/exports.py)."""

import io

from openpyxl import load_workbook

from accounts.exports import csv_response, sheet_title, xlsx_response

HEADER = ["チーム", "得点"]
ROWS = [['=HYPERLINK("http://x")', 87.5], ["普通のチーム", 60]]


def test_a_csv_download_is_utf8_with_bom_formula_safe_and_not_cached():
    response = csv_response(header=HEADER, rows=ROWS, filename="a.csv")

    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffチーム,得点")
    assert "'=HYPERLINK" in body and "87.5" in body
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == 'attachment; filename="a.csv"'


def test_an_xlsx_download_has_one_sheet_per_table_with_safe_cells_and_numbers_kept():
    response = xlsx_response(
        sheets=[("集計", HEADER, ROWS), ("個別評価", ["a"], [["+1"]])], filename="b.xlsx"
    )

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["集計", "個別評価"]
    summary = workbook["集計"]
    assert [c.value for c in summary[1]] == HEADER
    assert summary["A1"].font.bold and summary.freeze_panes == "A2"
    assert summary["A2"].value.startswith("'=") and summary["B2"].value == 87.5
    assert workbook["個別評価"]["A2"].value == "'+1"
    assert response["Cache-Control"] == "private, no-store"


def test_a_sheet_title_drops_what_excel_refuses_and_keeps_31_characters():
    assert sheet_title("総務部/情報[政策]課") == "総務部情報政策課"
    assert len(sheet_title("あ" * 40)) == 31
    assert sheet_title("::") == "Sheet"
