"""The first run's rows written with COPY on PostgreSQL (certification/services/copy_rows.py)
are the rows the ORM path writes: same values, same history rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification.models import Certification, DecisionBatch, DecisionLine
from certification.services import certifications_recompute, copy_rows
from tests import factories
from tests.certification.helpers import Raters, scored_team

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

#: Differ by construction between two writes of the same rows.
VOLATILE = {"id", "public_id", "created_at", "updated_at", "history_id", "history_date"}


@pytest.fixture
def raters():
    return Raters()


def _programme(raters):
    people = [factories.UserFactory() for _ in range(10)]
    scored_team(raters, leader=people[0], members=people[1:5], leadership=(70, 70))
    team = scored_team(raters, year=2023, leader=people[5], members=people[6:])
    # Text COPY must escape: a tab, a newline, a backslash and a quote in the evidence.
    team.name = 'チーム\t改行\nあり\\"'
    team.save()
    return people


def _rows(model, by):
    return sorted(
        (tuple((k, v) for k, v in sorted(row.items()) if k not in VOLATILE) for row in by),
        key=repr,
    )


def _written(model):
    return _rows(model, model.objects.values()), _rows(
        model.history.model, model.history.model.objects.values()
    )


def _recompute_with(monkeypatch, min_rows):
    monkeypatch.setattr(copy_rows, "MIN_ROWS", min_rows)
    with CaptureQueriesContext(connection) as queries:
        certifications_recompute()
    return [q["sql"] for q in queries]


def test_copy_writes_the_certifications_and_history_the_orm_writes(
    raters, automatic_mode, monkeypatch
):
    _programme(raters)
    orm = _recompute_with(monkeypatch, 10**9)
    expected = _written(Certification)
    Certification.objects.all().delete()
    Certification.history.all().delete()
    copied = _recompute_with(monkeypatch, 1)
    assert _written(Certification) == expected
    assert len(expected[0]) == len(expected[1]) >= 10
    assert any("改行" in repr(row) for row in expected[0])
    assert not any(sql.startswith("COPY") for sql in orm)
    assert "INSERT" not in " ".join(sql[:6] for sql in copied if "certification_" in sql[:40])


def test_copy_writes_the_proposals_and_history_the_orm_writes(
    raters, approval_mode, monkeypatch
):
    _programme(raters)
    _recompute_with(monkeypatch, 10**9)
    expected = _written(DecisionLine)
    DecisionLine.objects.all().delete()
    DecisionLine.history.all().delete()
    DecisionBatch.objects.all().delete()
    _recompute_with(monkeypatch, 1)
    got = _written(DecisionLine)
    # The batch differs (a new one); everything else is the same.
    assert [tuple(kv for kv in row if kv[0] != "batch_id") for row in got[0]] == [
        tuple(kv for kv in row if kv[0] != "batch_id") for row in expected[0]
    ]
    assert [tuple(kv for kv in row if kv[0] != "batch_id") for row in got[1]] == [
        tuple(kv for kv in row if kv[0] != "batch_id") for row in expected[1]
    ]


def test_copied_rows_take_their_ids_from_the_tables_sequence(raters, automatic_mode, monkeypatch):
    _programme(raters)
    _recompute_with(monkeypatch, 1)
    later = factories.CertificationFactory(level=3)
    assert later.pk > max(Certification.objects.exclude(pk=later.pk).values_list("pk", flat=True))

