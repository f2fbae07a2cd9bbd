"""Helpers shared by the project services: validation, constraint errors, row locks."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import (
    AlreadyInTeam,
    InvalidData,
    LeaderExists,
    ProjectError,
    TeamFull,
)
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


def _integrity_refusal(error: IntegrityError) -> ProjectError:
    """Turn a constraint violation into the refusal the user understands."""
    text = str(error)
    if "membership_one_live_per_project" in text or (
        "projects_membership.project_id" in text and "projects_membership.user_id" in text
    ):
        return AlreadyInTeam()
    if "membership_one_leader_per_team" in text or "projects_membership.team_id" in text:
        return LeaderExists()
    if "team_never_exceeds_max_size" in text:
        return TeamFull()
    if "team_name_unique_in_project" in text or "projects_team.name" in text:
        return InvalidData(_("このプロジェクトには同じ名前のチームがあります。"))
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
