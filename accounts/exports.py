"""Cells of the CSV and XLSX exports.

A text cell that starts with =, +, -, @ (or a tab or carriage return) is read by Excel
as a formula: a team name like ``=HYPERLINK(...)`` would run when HR opens the file
(CSV/formula injection). `safe_cell` prefixes such text with an apostrophe so it stays
text; numbers, dates and empty cells are left as they are.
"""

import csv
import io

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(row) -> list:
    return [safe_cell(value) for value in row]


def csv_response(*, header: list, rows, filename: str) -> HttpResponse:
    """A CSV download: UTF-8 with BOM (Excel opens it as UTF-8), every cell made safe,
    sent as an attachment that no shared or browser cache keeps."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)
    response = HttpResponse(
        buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return private_no_store(response)


def private_no_store(response: HttpResponse) -> HttpResponse:
    """Personal data (individual scores, certificates, the 操作ログ) must not stay in a
    proxy's or the browser's cache: `Cache-Control: private, no-store`."""
    response["Cache-Control"] = "private, no-store"
    return response


# Types a browser may be told for a downloaded upload; anything else (an .html, .svg or
# .js someone managed to upload) goes out as opaque bytes, never as something to render.
DOWNLOAD_TYPES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}


def download_content_type(filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return DOWNLOAD_TYPES.get(extension, "application/octet-stream")
