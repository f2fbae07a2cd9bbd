"""Every change to projects, teams, memberships, worksheets and workshops.

Conventions: keyword-only, typed; each function owns its transaction, locks the row it
changes (`select_for_update`), returns early when the object is already in the target
state, and refuses with a `projects.exceptions.ProjectError` carrying a Japanese message.
Database constraints back the rules that races could otherwise break (one live
membership per person and project, one leader per team, a team never above its maximum
size); an `IntegrityError` from one of them becomes the same clear refusal.

Places in a team: `Team.member_count` counts live memberships (applied or approved). A
place is held from the moment someone applies (under a row lock on the team) and is
released when the membership is rejected or withdrawn, or the team is rejected or
withdrawn.

Services that depend on "today" (the recruitment window) take an optional keyword-only
`today`; the default is `timezone.localdate()`. The demo passes past dates explicitly.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.fiscal import date_label
from accounts.models import Department, Grade, User

from .exceptions import (
    AlreadyInTeam,
    GradeAboveLimit,
    InvalidData,
    LeaderExists,
    NotAllowed,
    OutsideRecruitmentWindow,
    ProjectError,
    TeamFull,
    WrongState,
)
from .models import Attendance, MeasuredEffect, Membership, Project, Team, Worksheet, Workshop

# The only moves a project makes, one step forward at a time.
TRANSITIONS: dict[str, str] = {
    Project.Status.DRAFT: Project.Status.RECRUITING,
    Project.Status.RECRUITING: Project.Status.IN_PROGRESS,
    Project.Status.IN_PROGRESS: Project.Status.REPORTING,
    Project.Status.REPORTING: Project.Status.CLOSED,
}

PROJECT_FIELDS = (
    "fiscal_year",
    "title",
    "description",
    "recruitment_starts_on",
    "recruitment_ends_on",
    "max_grade",
    "team_size_min",
    "team_size_max",
    "coaching_vendor",
)
WORKSHEET_FIELDS = ("problem", "cause", "solution", "effect", "as_is", "to_be", "can_be")


# --- helpers --------------------------------------------------------------------------


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


def recruitment_is_open(project: Project, *, today: datetime.date | None = None) -> bool:
    day = _today(today)
    return (
        project.status == Project.Status.RECRUITING
        and project.recruitment_starts_on <= day <= project.recruitment_ends_on
    )


def check_recruitment_open(project: Project, *, today: datetime.date | None = None) -> None:
    """Refuse unless the project is recruiting and today is inside its window."""
    if project.status != Project.Status.RECRUITING:
        raise WrongState(
            _("このプロジェクトは募集中ではありません（現在：%(status)s）。")
            % {"status": project.get_status_display()},
            code="not_recruiting",
        )
    day = _today(today)
    if not project.recruitment_starts_on <= day <= project.recruitment_ends_on:
        raise OutsideRecruitmentWindow(
            _("募集期間外です（募集期間：%(start)s〜%(end)s）。")
            % {
                "start": date_label(project.recruitment_starts_on),
                "end": date_label(project.recruitment_ends_on),
            },
            code="outside_window",
        )


def check_eligible(project: Project, user: User, *, today: datetime.date | None = None) -> None:
    """Refuse unless `user` may propose or join a team of `project` now: recruiting, inside
    the window, grade at most the project's limit, not already live in one of its teams."""
    check_recruitment_open(project, today=today)
    if not user.is_active or not user.employee_number:
        raise NotAllowed(_("職員のみ応募できます。"), code="not_staff")
    if user.grade is None or user.grade > project.max_grade:
        raise GradeAboveLimit(
            _("職位が応募できる上限（%(grade)s）を超えているため応募できません。")
            % {"grade": Grade(project.max_grade).label},
            code="grade",
        )
    if Membership.objects.filter(project=project, user=user, status__in=Membership.LIVE).exists():
        raise AlreadyInTeam(code="already_in_team")


# --- projects -------------------------------------------------------------------------


def project_create(
    *,
    by: User,
    fiscal_year: int,
    title: str,
    recruitment_starts_on: datetime.date,
    recruitment_ends_on: datetime.date,
    description: str = "",
    max_grade: int = Grade.KAKARICHO,
    team_size_min: int = 3,
    team_size_max: int = 5,
    coaching_vendor: str = "",
) -> Project:
    """Create a project in draft. Staff do not see it until it is opened for recruitment."""
    project = Project(
        fiscal_year=fiscal_year,
        title=title,
        description=description,
        recruitment_starts_on=recruitment_starts_on,
        recruitment_ends_on=recruitment_ends_on,
        max_grade=max_grade,
        team_size_min=team_size_min,
        team_size_max=team_size_max,
        coaching_vendor=coaching_vendor,
        created_by=by,
    )
    _full_clean(project)
    with transaction.atomic():
        project._history_user = by
        project.save()
    return project


def project_update(*, project: Project, by: User, **fields) -> Project:
    """Change a project's settings (any of PROJECT_FIELDS). A closed project is frozen.
    Teams keep the maximum size they were proposed with; a new maximum applies to teams
    proposed afterwards."""
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise InvalidData(_("変更できない項目です：%(fields)s") % {"fields": ", ".join(unknown)})
    with transaction.atomic():
        locked = _lock_project(project)
        if locked.status == Project.Status.CLOSED:
            raise WrongState(_("終了したプロジェクトは変更できません。"), code="closed")
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, fields[name])
        _full_clean(locked)
        locked._history_user = by
        locked.save()
    return locked


def project_transition(*, project: Project, to: str, by: User) -> Project:
    """Move a project one step: draft → recruiting → in_progress → reporting → closed.

    Guards: starting the work (→ in_progress) needs at least one approved team, no team or
    application still waiting for a decision, and every approved team at its minimum size.
    Idempotent: asking for the current state changes nothing.
    """
    with transaction.atomic():
        locked = _lock_project(project)
        if locked.status == to:
            return locked
        if TRANSITIONS.get(locked.status) != to:
            label = dict(Project.Status.choices).get(to, to)
            raise WrongState(
                _("「%(current)s」から「%(target)s」には変更できません。")
                % {"current": locked.get_status_display(), "target": label},
                code="bad_transition",
            )
        if to == Project.Status.IN_PROGRESS:
            _check_ready_to_start(locked)
        locked.status = to
        locked._history_user = by
        locked.save(update_fields=["status", "updated_at"])
    return locked


def _check_ready_to_start(project: Project) -> None:
    teams = list(
        Team.objects.filter(project=project).exclude(
            status__in=[Team.Status.REJECTED, Team.Status.WITHDRAWN]
        )
    )
    if (
        any(t.status == Team.Status.PROPOSED for t in teams)
        or Membership.objects.filter(project=project, status=Membership.Status.APPLIED).exists()
    ):
        raise WrongState(
            _("承認待ちのチームまたは参加申請があります。先に承認または却下してください。"),
            code="pending",
        )
    if not teams:
        raise WrongState(_("承認済みのチームがありません。"), code="no_team")
    for team in teams:
        if team.member_count < project.team_size_min:
            raise WrongState(
                _("チーム「%(team)s」の人数が最少人数（%(min)s人）に達していません。")
                % {"team": team.name, "min": project.team_size_min},
                code="team_too_small",
            )


# --- teams ----------------------------------------------------------------------------


def team_propose(
    *,
    project: Project,
    by: User,
    name: str,
    theme: str,
    target_department: Department | None = None,
    today: datetime.date | None = None,
) -> Team:
    """`by` proposes a team and becomes its leader (membership applied, team proposed,
    one place held). Both wait for the organiser's approval (`team_approve`)."""
    with transaction.atomic():
        locked = _lock_project(project)
        check_eligible(locked, by, today=today)
        team = Team(
            project=locked,
            name=name,
            theme=theme,
            target_department=target_department,
            status=Team.Status.PROPOSED,
            max_size=locked.team_size_max,
            member_count=1,
        )
        _full_clean(team)
        leader = Membership(team=team, project=locked, user=by, role=Membership.Role.LEADER)
        try:
            with transaction.atomic():
                team._history_user = by
                team.save()
                leader.team = team
                leader._history_user = by
                leader.save()
        except IntegrityError as error:
            raise _integrity_refusal(error) from error
    return team


def team_approve(*, team: Team, by: User) -> Team:
    """Approve a proposed team and its leader's membership; create its worksheet."""
    with transaction.atomic():
        locked = _lock_team(team)
        if locked.status == Team.Status.APPROVED:
            return locked
        if locked.status != Team.Status.PROPOSED:
            raise WrongState(
                _("このチームは承認できません（現在：%(status)s）。")
                % {"status": locked.get_status_display()},
                code="team_state",
            )
        if locked.project.status not in (Project.Status.RECRUITING, Project.Status.IN_PROGRESS):
            raise WrongState(
                _("募集中のプロジェクトのチームのみ承認できます。"), code="not_recruiting"
            )
        leader = (
            Membership.objects.select_for_update()
            .filter(team=locked, role=Membership.Role.LEADER, status__in=Membership.LIVE)
            .first()
        )
        if leader is None:
            raise WrongState(_("リーダーのいないチームは承認できません。"), code="no_leader")
        now = timezone.now()
        if leader.status != Membership.Status.APPROVED:
            leader.status = Membership.Status.APPROVED
            leader.decided_at = now
            leader._history_user = by
            leader.save(update_fields=["status", "decided_at"])
        locked.status = Team.Status.APPROVED
        locked._history_user = by
        locked.save(update_fields=["status", "updated_at"])
        Worksheet.objects.get_or_create(team=locked)
    return locked


def _end_team(team: Team, *, by: User, team_status: str, membership_status: str) -> Team:
    """Close a team (rejected or withdrawn) and release every live place in it."""
    now = timezone.now()
    for membership in Membership.objects.select_for_update().filter(
        team=team, status__in=Membership.LIVE
    ):
        membership.status = membership_status
        if membership_status == Membership.Status.WITHDRAWN:
            membership.withdrawn_at = now
        else:
            membership.decided_at = now
        membership._history_user = by
        membership.save(update_fields=["status", "decided_at", "withdrawn_at"])
    team.status = team_status
    team.member_count = 0
    team._history_user = by
    team.save(update_fields=["status", "member_count", "updated_at"])
    return team


def team_reject(*, team: Team, by: User) -> Team:
    """Reject a proposed team; its leader's and applicants' memberships are rejected."""
    with transaction.atomic():
        locked = _lock_team(team)
        if locked.status == Team.Status.REJECTED:
            return locked
        if locked.status != Team.Status.PROPOSED:
            raise WrongState(
                _("承認待ちのチームのみ却下できます（現在：%(status)s）。")
                % {"status": locked.get_status_display()},
                code="team_state",
            )
        return _end_team(
            locked,
            by=by,
            team_status=Team.Status.REJECTED,
            membership_status=Membership.Status.REJECTED,
        )


def team_withdraw(*, team: Team, by: User, today: datetime.date | None = None) -> Team:
    """The leader withdraws a team that is still waiting for approval, while recruitment
    is open. Everyone's application to it is withdrawn and their places released."""
    with transaction.atomic():
        locked = _lock_team(team)
        if locked.status == Team.Status.WITHDRAWN:
            return locked
        if not Membership.objects.filter(
            team=locked, user=by, role=Membership.Role.LEADER, status__in=Membership.LIVE
        ).exists():
            raise NotAllowed(_("チームを取り下げられるのはリーダーだけです。"), code="not_leader")
        if locked.status != Team.Status.PROPOSED:
            raise WrongState(
                _("承認済みのチームは取り下げられません。DX推進担当にご相談ください。"),
                code="team_state",
            )
        check_recruitment_open(locked.project, today=today)
        return _end_team(
            locked,
            by=by,
            team_status=Team.Status.WITHDRAWN,
            membership_status=Membership.Status.WITHDRAWN,
        )


# --- memberships ----------------------------------------------------------------------


def membership_apply(*, team: Team, by: User, today: datetime.date | None = None) -> Membership:
    """`by` applies to join `team` and holds a place in it. Refused when the project is not
    recruiting, outside the window, above the grade limit, already in a team of this
    project, or the team is full (checked under a row lock on the team; the database's
    check constraint is the last line)."""
    with transaction.atomic():
        locked = _lock_team(team)
        if locked.status not in (Team.Status.PROPOSED, Team.Status.APPROVED):
            raise WrongState(
                _("このチームには参加を申請できません（現在：%(status)s）。")
                % {"status": locked.get_status_display()},
                code="team_state",
            )
        check_eligible(locked.project, by, today=today)
        if locked.member_count >= locked.max_size:
            raise TeamFull(code="team_full")
        membership = Membership(team=locked, project=locked.project, user=by)
        try:
            with transaction.atomic():
                Team.objects.filter(pk=locked.pk).update(member_count=F("member_count") + 1)
                membership._history_user = by
                membership.save()
        except IntegrityError as error:
            raise _integrity_refusal(error) from error
        locked.refresh_from_db(fields=["member_count"])
    return membership


def membership_approve(*, membership: Membership, by: User) -> Membership:
    """Approve an application to a team that is itself approved."""
    with transaction.atomic():
        locked, team = _lock_membership(membership)
        if locked.status == Membership.Status.APPROVED:
            return locked
        if locked.status != Membership.Status.APPLIED:
            raise WrongState(
                _("申請中の参加のみ承認できます（現在：%(status)s）。")
                % {"status": locked.get_status_display()},
                code="membership_state",
            )
        if locked.role == Membership.Role.LEADER:
            raise WrongState(_("リーダーの参加はチームの承認で確定します。"), code="leader")
        if team.status != Team.Status.APPROVED:
            raise WrongState(_("先にチームを承認してください。"), code="team_not_approved")
        locked.status = Membership.Status.APPROVED
        locked.decided_at = timezone.now()
        locked._history_user = by
        locked.save(update_fields=["status", "decided_at"])
    return locked


def _release(membership: Membership, team: Team, *, by: User, status: str) -> Membership:
    """Close a live membership and free its place (the team is already locked)."""
    membership.status = status
    now = timezone.now()
    if status == Membership.Status.WITHDRAWN:
        membership.withdrawn_at = now
    else:
        membership.decided_at = now
    membership._history_user = by
    membership.save(update_fields=["status", "decided_at", "withdrawn_at"])
    Team.objects.filter(pk=team.pk).update(member_count=F("member_count") - 1)
    return membership


def membership_reject(*, membership: Membership, by: User) -> Membership:
    """Reject an application (not a leader's: reject the team instead); frees the place."""
    with transaction.atomic():
        locked, team = _lock_membership(membership)
        if locked.status == Membership.Status.REJECTED:
            return locked
        if locked.status != Membership.Status.APPLIED:
            raise WrongState(
                _("申請中の参加のみ却下できます（現在：%(status)s）。")
                % {"status": locked.get_status_display()},
                code="membership_state",
            )
        if locked.role == Membership.Role.LEADER:
            raise WrongState(
                _("リーダーの申請は却下できません。チームを却下してください。"), code="leader"
            )
        return _release(locked, team, by=by, status=Membership.Status.REJECTED)


def membership_withdraw(
    *, membership: Membership, by: User, today: datetime.date | None = None
) -> Membership:
    """The person withdraws from a team while recruitment is open; the place is freed.

    A leader of a team still waiting for approval withdraws the whole team (every
    application to it is withdrawn). A leader of an approved team cannot withdraw: the
    team would be left without its one leader, so the organiser must sort it out.
    """
    if membership.user_id != by.pk:
        raise NotAllowed(_("本人のみ辞退できます。"), code="not_self")
    if membership.role == Membership.Role.LEADER:
        team_withdraw(team=Team(pk=membership.team_id), by=by, today=today)
        membership.refresh_from_db()
        return membership
    with transaction.atomic():
        locked, team = _lock_membership(membership)
        if locked.status == Membership.Status.WITHDRAWN:
            return locked
        if locked.status not in Membership.LIVE:
            raise WrongState(
                _("この参加は辞退できません（現在：%(status)s）。")
                % {"status": locked.get_status_display()},
                code="membership_state",
            )
        check_recruitment_open(team.project, today=today)
        return _release(locked, team, by=by, status=Membership.Status.WITHDRAWN)


# --- worksheet ------------------------------------------------------------------------


def _is_approved_member(team: Team, user: User) -> bool:
    """Uses the team's prefetched memberships when a page already loaded them."""
    cache = getattr(team, "_prefetched_objects_cache", {})
    if "memberships" in cache:
        return any(
            m.user_id == user.pk and m.status == Membership.Status.APPROVED
            for m in cache["memberships"]
        )
    return Membership.objects.filter(
        team=team, user=user, status=Membership.Status.APPROVED
    ).exists()


def check_can_edit_worksheet(*, team: Team, user: User) -> None:
    """Refuse unless `user` is an approved member (or the leader) of the approved `team`
    and its project is in progress."""
    if team.status != Team.Status.APPROVED or not _is_approved_member(team, user):
        raise NotAllowed(
            _("ワークシートを編集できるのは承認済みチームのメンバーだけです。"),
            code="not_member",
        )
    if team.project.status != Project.Status.IN_PROGRESS:
        raise WrongState(
            _("ワークシートはプロジェクトの実施中のみ編集できます。"), code="not_in_progress"
        )


def worksheet_update(*, team: Team, by: User, **fields: str) -> Worksheet:
    """Save the team's worksheet texts (any of WORKSHEET_FIELDS). The history records who
    changed what and when; an unchanged submission writes nothing."""
    unknown = set(fields) - set(WORKSHEET_FIELDS)
    if unknown:
        raise InvalidData(_("変更できない項目です：%(fields)s") % {"fields": ", ".join(unknown)})
    with transaction.atomic():
        locked_team = _lock_team(team)
        check_can_edit_worksheet(team=locked_team, user=by)
        worksheet, _created = Worksheet.objects.select_for_update().get_or_create(team=locked_team)
        changed = [name for name, value in fields.items() if getattr(worksheet, name) != value]
        if not changed:
            return worksheet
        for name in changed:
            setattr(worksheet, name, fields[name])
        worksheet.updated_by = by
        _full_clean(worksheet)
        worksheet._history_user = by
        worksheet.save()
    return worksheet


def _effect_values(label: str, unit: str, before: Decimal, after: Decimal, order: int):
    return {
        "label": label,
        "unit": unit,
        "before": Decimal(before),
        "after": Decimal(after),
        "order": order,
    }


def measured_effect_add(
    *,
    team: Team,
    by: User,
    label: str,
    unit: str,
    before: Decimal,
    after: Decimal,
    order: int | None = None,
) -> MeasuredEffect:
    """Add a measured effect (e.g. 年間作業時間 1,200 → 300 時間) to the team's worksheet."""
    with transaction.atomic():
        locked_team = _lock_team(team)
        check_can_edit_worksheet(team=locked_team, user=by)
        worksheet, _created = Worksheet.objects.select_for_update().get_or_create(team=locked_team)
        if order is None:
            order = worksheet.effects.count() + 1
        effect = MeasuredEffect(
            worksheet=worksheet, **_effect_values(label, unit, before, after, order)
        )
        _full_clean(effect)
        effect._history_user = by
        effect.save()
    return effect


def measured_effect_update(
    *,
    effect: MeasuredEffect,
    by: User,
    label: str,
    unit: str,
    before: Decimal,
    after: Decimal,
    order: int | None = None,
) -> MeasuredEffect:
    with transaction.atomic():
        locked = (
            MeasuredEffect.objects.select_for_update()
            .select_related("worksheet__team__project")
            .get(pk=effect.pk)
        )
        check_can_edit_worksheet(team=locked.worksheet.team, user=by)
        values = _effect_values(label, unit, before, after, order or locked.order)
        changed = [k for k, v in values.items() if getattr(locked, k) != v]
        if not changed:
            return locked
        for key in changed:
            setattr(locked, key, values[key])
        _full_clean(locked)
        locked._history_user = by
        locked.save()
    return locked


def measured_effect_delete(*, effect: MeasuredEffect, by: User) -> None:
    with transaction.atomic():
        locked = (
            MeasuredEffect.objects.select_for_update()
            .select_related("worksheet__team__project")
            .filter(pk=effect.pk)
            .first()
        )
        if locked is None:
            return
        check_can_edit_worksheet(team=locked.worksheet.team, user=by)
        locked._history_user = by
        locked.delete()


# --- workshops ------------------------------------------------------------------------


def workshop_create(
    *, project: Project, by: User, held_on: datetime.date, topic: str, hours: Decimal = Decimal(2)
) -> Workshop:
    """Schedule a workshop (研修) of a project that is not closed."""
    with transaction.atomic():
        locked = _lock_project(project)
        if locked.status in (Project.Status.DRAFT, Project.Status.CLOSED):
            raise WrongState(
                _("このプロジェクトには研修を登録できません（現在：%(status)s）。")
                % {"status": locked.get_status_display()},
                code="project_state",
            )
        workshop = Workshop(project=locked, held_on=held_on, topic=topic, hours=Decimal(hours))
        _full_clean(workshop)
        workshop.save()
    return workshop


def attendance_record(
    *, workshop: Workshop, by: User, attended_user_ids: Iterable[int]
) -> list[Attendance]:
    """Record who attended: every approved member of the project's approved teams gets a
    row, attended or not. Ids that are not such members are refused (nothing saved).
    Idempotent: recording the same set again changes nothing."""
    wanted = {int(pk) for pk in attended_user_ids}
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().select_related("project").get(pk=workshop.pk)
        if locked.project.status in (Project.Status.DRAFT, Project.Status.CLOSED):
            raise WrongState(_("このプロジェクトの出欠は記録できません。"), code="project_state")
        members = set(
            Membership.objects.filter(
                project=locked.project,
                status=Membership.Status.APPROVED,
                team__status=Team.Status.APPROVED,
            ).values_list("user_id", flat=True)
        )
        if wanted - members:
            raise InvalidData(
                _("このプロジェクトのメンバーではない職員が含まれています。"), code="not_member"
            )
        existing = {a.user_id: a for a in Attendance.objects.filter(workshop=locked)}
        result = []
        for user_id in sorted(members):
            attended = user_id in wanted
            row = existing.get(user_id)
            if row is None:
                row = Attendance.objects.create(
                    workshop=locked, user_id=user_id, attended=attended, recorded_by=by
                )
            elif row.attended != attended:
                row.attended = attended
                row.recorded_by = by
                row.save(update_fields=["attended", "recorded_by", "recorded_at"])
            result.append(row)
    return result
