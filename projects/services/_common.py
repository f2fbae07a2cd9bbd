"""Helpers shared by the project services: validation, constraint errors, row locks."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import AlreadyInTeam, InvalidData, LeaderExists, ProjectError, TeamFull
from ..models import Membership, Project, Team


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _full_clean(obj, **kwargs) -> None:
    """full_clean, with the first validation message as a domain refusal. Also enforces what
    full_clean leaves to forms: a TextField's max_length, and no NUL character in text
    (PostgreSQL rejects it)."""
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(obj, field.attname)
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            raise InvalidData(
                _("「%(field)s」に使用できない文字が含まれています。")
                % {"field": field.verbose_name}
            )
        if field.max_length and len(value) > field.max_length:
            raise InvalidData(
                _("「%(field)s」は%(max)s文字以内で入力してください。")
                % {"field": field.verbose_name, "max": field.max_length}
            )
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        messages = error.messages
        raise InvalidData(messages[0] if messages else _("入力内容に誤りがあります。")) from error


#: The database constraints a service may hit in a race, and the refusal each becomes.
CONSTRAINT_REFUSALS = {
    "membership_one_live_per_project": AlreadyInTeam,
    "membership_one_leader_per_team": LeaderExists,
    "team_never_exceeds_max_size": TeamFull,
    "team_name_unique_in_project": lambda: InvalidData(
        _("このプロジェクトには同じ名前のチームがあります。")
    ),
}
#: SQLite (development only) reports a unique violation by its columns, not its name.
SQLITE_UNIQUE_COLUMNS = {
    "membership_one_live_per_project": "projects_membership.project_id, "
    "projects_membership.user_id",
    "membership_one_leader_per_team": "projects_membership.team_id",
    "team_name_unique_in_project": "projects_team.project_id, projects_team.name",
}


def constraint_name(error: IntegrityError) -> str | None:
    """The name of the constraint `error` violated. PostgreSQL (psycopg2) names it in the
    error's diagnostics; SQLite does not, so its message is matched instead: a check
    constraint's message carries the name, a unique one only the columns."""
    diag = getattr(error.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return name
    text = str(error)
    for candidate in CONSTRAINT_REFUSALS:
        if f"CHECK constraint failed: {candidate}" in text:
            return candidate
    for candidate, columns in SQLITE_UNIQUE_COLUMNS.items():
        if text == f"UNIQUE constraint failed: {columns}":
            return candidate
    return None


def _integrity_refusal(error: IntegrityError) -> ProjectError:
    """Turn a constraint violation into the refusal the user understands (by the
    constraint's name; anything else is a conflict to retry)."""
    refusal = CONSTRAINT_REFUSALS.get(constraint_name(error) or "")
    if refusal is not None:
        return refusal()
    return InvalidData(_("他の操作と競合しました。もう一度お試しください。"))


def _lock_project(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def _lock_team(team: Team) -> Team:
    return Team.objects.select_for_update().select_related("project").get(pk=team.pk)


def _lock_membership(membership: Membership) -> tuple[Membership, Team]:
    """Lock the membership's team, then the membership: always team first, as
    `membership_apply` and `team_reject` do, so that two services never deadlock."""
    team_id = Membership.objects.values_list("team_id", flat=True).get(pk=membership.pk)
    team = Team.objects.select_for_update().select_related("project").get(pk=team_id)
    return Membership.objects.select_for_update().get(pk=membership.pk), team
