"""Many new rows and their history rows, written with PostgreSQL's COPY.

A first full recompute creates one certification (or, in approval mode, one decision
line) per award and one django-simple-history row for each: about 11,000 of each at
50,000 staff, 45,000 at 200,000. Through the ORM's `bulk_create_with_history` two thirds
of that run was Django building model instances, preparing 400,000 field values and
PostgreSQL parsing megabytes of INSERT text (docs/benchmarks.md). `create_with_history`
writes the same rows with two COPY statements: the values come from the same places
(the given values, then each field's default, `auto_now`/`auto_now_add` = now, the
primary keys from the table's own sequence), and the history rows are what
`bulk_create_with_history` writes ("+", the date, the reason, the user). Like
`bulk_create`, no signals are sent and no `save()` runs.

PostgreSQL only: `available()` says whether it is used; SQLite keeps the ORM path.
"""

from __future__ import annotations

import datetime
import decimal
import io
import json
import uuid

from django.db import connection, models
from django.utils import timezone

#: Below this many rows the ORM path is as quick and simpler to read in a trace.
MIN_ROWS = 200


def available(count: int) -> bool:
    return connection.vendor == "postgresql" and count >= MIN_ROWS


def _escape(text: str) -> str:
    """A value in COPY's text format (backslash, tab, newline and return escaped)."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        text = text.replace("\r", "\\r")
    return text


def _converter(field):
    """value → COPY text for one field (chosen once per field, not per value)."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def json_text(value):
            return "\\N" if value is None else _escape(json.dumps(value, cls=encoder))

        return json_text

    def text(value):
        if value is None:
            return "\\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, int | float | decimal.Decimal | uuid.UUID):
            return str(value)
        if isinstance(value, datetime.date):  # and datetime
            return value.isoformat()
        return _escape(str(value))

    return text


def _copy(table: str, columns: list[str], lines: list[str]) -> None:
    data = io.StringIO("\n".join(lines) + "\n")
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, data)
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                copy.write(data.getvalue())


def _new_ids(model, count: int) -> list[int]:
    """`count` primary keys from the table's own sequence (one query)."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def create_with_history(
    model, rows: list[dict], *, reason: str, user_id: int | None = None
) -> list[int]:
    """Insert `rows` (each: attname → value; any other field gets its default) and one
    history row each (type "+", `reason`, `user_id`), in three queries. Returns the new
    primary keys, in the order of `rows`."""
    if not rows:
        return []
    now = timezone.now()
    ids = _new_ids(model, len(rows))
    pk = model._meta.pk.attname
    fields = model._meta.concrete_fields
    converters = {field.attname: _converter(field) for field in fields}
    # Values every row shares, converted once: the auto_now fields, and each plain
    # (non-callable) default. A callable default (a fresh uuid, say) is called per row.
    shared = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            shared[field.attname] = converters[field.attname](now)
        elif not callable(field.default):
            shared[field.attname] = converters[field.attname](field.get_default())
    # Each row's values as COPY text, converted once: the history row repeats them (the
    # evidence JSON is the largest part of both).
    texts = []
    for pk_value, row in zip(ids, rows, strict=True):
        text = {}
        for field in fields:
            name = field.attname
            if name == pk:
                text[name] = str(pk_value)
            elif name in row:
                text[name] = converters[name](row[name])
            elif name in shared:
                text[name] = shared[name]
            else:
                text[name] = converters[name](field.get_default())
        texts.append(text)
    _copy(
        model._meta.db_table,
        [field.column for field in fields],
        ["\t".join(text[field.attname] for field in fields) for text in texts],
    )

    history = model.history.model
    extra = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": user_id,
    }
    history_fields = [
        f for f in history._meta.concrete_fields if f.attname != history._meta.pk.attname
    ]
    # Per history column: the row's own text, or one text for every row (the history
    # fields, or a default of a field only the history model has: none today).
    history_shared = {}
    for field in history_fields:
        if field.attname in extra:
            history_shared[field.attname] = _converter(field)(extra[field.attname])
        elif field.attname not in converters:
            history_shared[field.attname] = _converter(field)(field.get_default())
    lines = [
        "\t".join(
            history_shared[f.attname] if f.attname in history_shared else text[f.attname]
            for f in history_fields
        )
        for text in texts
    ]
    _copy(history._meta.db_table, [f.column for f in history_fields], lines)
    return ids
