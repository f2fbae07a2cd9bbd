"""Writes of the evaluations app: rubrics, report meetings, presentations, leadership
windows, invitations, evaluations and reminders.

Every function owns its transaction and locks the row it changes. Scoring and closing
lock the same row (the meeting, or the leadership window), so a submission and a close
serialize: a score is either stored before the close or refused.
"""

from __future__ import annotations

import datetime
import logging
import zipfile
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.fiscal import wareki_date
from accounts.models import User
from projects.models import Membership, Project, Team

from .exceptions import (
    EvaluationError,
    InvalidMaterials,
    InvalidScores,
    NotAllowed,
    RubricLocked,
    ScoringClosed,
)
from .models import (
    REPORT_PERSPECTIVES,
    Criterion,
    CriterionScore,
    Evaluation,
    LeadershipInvitation,
    LeadershipWindow,
    Perspective,
    Presentation,
    ReminderLog,
    ReportMeeting,
    Rubric,
)
from .rubrics import DEFAULT_RUBRICS
from .signals import leadership_window_closed, report_meeting_closed

logger = logging.getLogger(__name__)

COMMENT_MAX = 2000
MATERIALS_EXTENSIONS = {".pdf", ".pptx"}


# --- scores ----------------------------------------------------------------------------


def evaluation_score(pairs: list[tuple[int, Decimal]]) -> Decimal:
    """The 0–100 score of one evaluation: the weighted mean of its 1–5 criterion scores
    mapped by (mean − 1) / 4 × 100, rounded half up to 2 decimals.

    `pairs` are (score, weight). All 1 → 0.00, all 5 → 100.00."""
    total_weight = sum((Decimal(w) for _s, w in pairs), Decimal(0))
    if not pairs or total_weight <= 0:
        raise InvalidScores(_("評価項目がありません。"))
    mean = sum((Decimal(s) * Decimal(w) for s, w in pairs), Decimal(0)) / total_weight
    score = (mean - 1) / 4 * 100
    return score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- rubrics ---------------------------------------------------------------------------


def rubric_is_locked(*, rubric: Rubric) -> bool:
    """A rubric with at least one evaluation keeps its criteria and weights."""
    return Evaluation.objects.filter(rubric=rubric).exists()


def rubric_ensure_defaults(*, fiscal_year: int) -> list[Rubric]:
    """Make sure the year has a rubric for each perspective, seeded with the defaults.

    Idempotent: an existing rubric (edited or not) is left as it is."""
    rubrics = []
    for perspective, criteria in DEFAULT_RUBRICS.items():
        with transaction.atomic():
            rubric, created = Rubric.objects.get_or_create(
                fiscal_year=fiscal_year, perspective=perspective
            )
            if created:
                Criterion.objects.bulk_create(
                    Criterion(rubric=rubric, order=order, **spec)
                    for order, spec in enumerate(criteria, start=1)
                )
        rubrics.append(rubric)
    return rubrics


def rubric_copy(*, source: Rubric, fiscal_year: int) -> Rubric:
    """Copy `source`'s criteria into the rubric of `fiscal_year` for the same perspective.

    The target is created if missing; an existing target is replaced only while it has
    no evaluations. Copying a rubric onto itself is refused."""
    if source.fiscal_year == fiscal_year:
        raise EvaluationError(_("同じ年度にはコピーできません。別の年度を指定してください。"))
    with transaction.atomic():
        target, _created = Rubric.objects.get_or_create(
            fiscal_year=fiscal_year, perspective=source.perspective
        )
        target = Rubric.objects.select_for_update().get(pk=target.pk)
        if rubric_is_locked(rubric=target):
            raise RubricLocked(_("コピー先の評価基準には既に評価があるため、置き換えられません。"))
        target.criteria.all().delete()
        Criterion.objects.bulk_create(
            Criterion(
                rubric=target,
                order=c.order,
                label_ja=c.label_ja,
                label_en=c.label_en,
                description=c.description,
                description_en=c.description_en,
                weight=c.weight,
                point_labels=list(c.point_labels),
                point_labels_en=list(c.point_labels_en),
            )
            for c in source.criteria.all()
        )
    return target


def _lock_unused_rubric(rubric_id: int) -> Rubric:
    rubric = Rubric.objects.select_for_update().get(pk=rubric_id)
    if rubric_is_locked(rubric=rubric):
        raise RubricLocked(
            _(
                "この評価基準には既に評価があるため、項目や重みを変更できません。"
                "別の年度にコピーして編集してください。"
            )
        )
    return rubric


def _clean_point_labels(point_labels) -> list[str]:
    labels = [str(p).strip() for p in (point_labels or [])]
    if labels and len(labels) != 5:
        raise EvaluationError(_("1〜5点の目安は5つ入力してください。"))
    return labels


def criterion_add(
    *,
    rubric: Rubric,
    label_ja: str,
    weight: Decimal,
    label_en: str = "",
    description: str = "",
    point_labels: list[str] | None = None,
    description_en: str = "",
    point_labels_en: list[str] | None = None,
) -> Criterion:
    """Add a criterion at the end of an unused rubric."""
    with transaction.atomic():
        rubric = _lock_unused_rubric(rubric.pk)
        order = (rubric.criteria.aggregate(m=Max("order"))["m"] or 0) + 1
        criterion = Criterion(
            rubric=rubric,
            order=order,
            label_ja=label_ja,
            label_en=label_en,
            description=description,
            description_en=description_en,
            weight=weight,
            point_labels=_clean_point_labels(point_labels),
            point_labels_en=_clean_point_labels(point_labels_en),
        )
        criterion.full_clean()
        criterion.save()
    return criterion


def criterion_update(
    *,
    criterion: Criterion,
    label_ja: str,
    weight: Decimal,
    label_en: str = "",
    description: str = "",
    point_labels: list[str] | None = None,
    description_en: str = "",
    point_labels_en: list[str] | None = None,
) -> Criterion:
    """Edit a criterion of an unused rubric (refused once the rubric has evaluations)."""
    with transaction.atomic():
        _lock_unused_rubric(criterion.rubric_id)
        criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
        criterion.label_ja = label_ja
        criterion.label_en = label_en
        criterion.description = description
        criterion.description_en = description_en
        criterion.weight = weight
        criterion.point_labels = _clean_point_labels(point_labels)
        criterion.point_labels_en = _clean_point_labels(point_labels_en)
        criterion.full_clean()
        criterion.save()
    return criterion


def criterion_delete(*, criterion: Criterion) -> None:
    """Remove a criterion of an unused rubric; a rubric keeps at least one."""
    with transaction.atomic():
        rubric = _lock_unused_rubric(criterion.rubric_id)
        if rubric.criteria.count() <= 1:
            raise EvaluationError(_("評価項目は少なくとも1つ必要です。"))
        Criterion.objects.filter(pk=criterion.pk).delete()


# --- report meetings and presentations ---------------------------------------------------


def meeting_schedule(
    *, project: Project, title: str, held_on: datetime.date, place: str = "", by: User
) -> ReportMeeting:
    """Schedule a report meeting for a project and make sure its year has rubrics."""
    if project.status in (Project.Status.DRAFT, Project.Status.CLOSED):
        raise EvaluationError(_("準備中または終了したプロジェクトには報告会を設定できません。"))
    meeting = ReportMeeting(project=project, title=title, held_on=held_on, place=place)
    meeting.full_clean()
    with transaction.atomic():
        meeting.save()
        rubric_ensure_defaults(fiscal_year=project.fiscal_year)
    return meeting


def materials_check(*, upload: UploadedFile) -> None:
    """Accept only a PDF or PPTX no larger than MATERIALS_MAX_BYTES, checked by
    extension and by content (%PDF header, or a zip holding ppt/ parts)."""
    extension = Path(upload.name or "").suffix.lower()
    if extension not in MATERIALS_EXTENSIONS:
        raise InvalidMaterials(
            _("発表資料はPDFまたはPowerPoint（.pptx）のファイルにしてください。")
        )
    if upload.size is None or upload.size > settings.MATERIALS_MAX_BYTES:
        limit = settings.MATERIALS_MAX_BYTES // (1024 * 1024)
        raise InvalidMaterials(_("発表資料のサイズは%(limit)sMBまでです。") % {"limit": limit})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if extension == ".pdf":
        if not head.startswith(b"%PDF-"):
            raise InvalidMaterials(_("PDFファイルとして読み込めません。"))
        return
    if not head.startswith(b"PK\x03\x04"):
        raise InvalidMaterials(_("PowerPointファイルとして読み込めません。"))
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidMaterials(_("PowerPointファイルとして読み込めません。")) from None
    finally:
        upload.seek(0)
    if not any(name.startswith("ppt/") for name in names):
        raise InvalidMaterials(_("PowerPointファイルとして読み込めません。"))


def _lock_meeting(meeting_id: int) -> ReportMeeting:
    return ReportMeeting.objects.select_for_update().get(pk=meeting_id)


def presentation_add(
    *,
    meeting: ReportMeeting,
    team: Team,
    title: str = "",
    materials: UploadedFile | None = None,
) -> Presentation:
    """Add a team's presentation at the end of the meeting's order."""
    if materials:
        materials_check(upload=materials)
    with transaction.atomic():
        meeting = _lock_meeting(meeting.pk)
        if meeting.status == ReportMeeting.Status.CLOSED:
            raise ScoringClosed(_("締切済みの報告会には発表を追加できません。"))
        if team.project_id != meeting.project_id or team.status != Team.Status.APPROVED:
            raise EvaluationError(_("この報告会のプロジェクトの承認済みチームを選んでください。"))
        if meeting.presentations.filter(team=team).exists():
            raise EvaluationError(_("このチームの発表は既に登録されています。"))
        order = (meeting.presentations.aggregate(m=Max("order"))["m"] or 0) + 1
        presentation = Presentation(
            meeting=meeting, team=team, order=order, title=(title or team.theme)[:200]
        )
        if materials:
            presentation.materials.save(Path(materials.name).name, materials, save=False)
        presentation.save()
    return presentation


def presentation_attach_materials(
    *, presentation: Presentation, materials: UploadedFile
) -> Presentation:
    """Replace a presentation's materials file (until the meeting closes)."""
    materials_check(upload=materials)
    with transaction.atomic():
        meeting = _lock_meeting(presentation.meeting_id)
        if meeting.status == ReportMeeting.Status.CLOSED:
            raise ScoringClosed(_("締切済みの報告会の資料は変更できません。"))
        presentation = Presentation.objects.get(pk=presentation.pk)
        presentation.materials.save(Path(materials.name).name, materials, save=True)
    return presentation


def presentation_reorder(*, meeting: ReportMeeting, presentation_ids: list[int]) -> None:
    """Set the order of the meeting's presentations; `presentation_ids` must list each
    of them exactly once."""
    with transaction.atomic():
        meeting = _lock_meeting(meeting.pk)
        if meeting.status == ReportMeeting.Status.CLOSED:
            raise ScoringClosed(_("締切済みの報告会の発表順は変更できません。"))
        current = list(meeting.presentations.values_list("pk", flat=True))
        if sorted(current) != sorted(presentation_ids) or len(set(presentation_ids)) != len(
            presentation_ids
        ):
            raise EvaluationError(
                _("発表順には、この報告会のすべての発表を一度ずつ指定してください。")
            )
        # Two passes, so the unique (meeting, order) constraint never sees a duplicate.
        offset = len(current) + 1000
        for order, pk in enumerate(presentation_ids, start=1):
            Presentation.objects.filter(pk=pk).update(order=order + offset)
        for order, pk in enumerate(presentation_ids, start=1):
            Presentation.objects.filter(pk=pk).update(order=order)


def presentation_move(*, presentation: Presentation, up: bool) -> None:
    """Swap a presentation with its neighbour (for the up/down buttons)."""
    ids = list(
        Presentation.objects.filter(meeting_id=presentation.meeting_id)
        .order_by("order")
        .values_list("pk", flat=True)
    )
    index = ids.index(presentation.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
        presentation_reorder(meeting=presentation.meeting, presentation_ids=ids)


def meeting_open(
    *, meeting: ReportMeeting, by: User, now: datetime.datetime | None = None
) -> ReportMeeting:
    """Open scoring. Idempotent when already open; a closed meeting never reopens.
    After commit, the raters' reminder job is enqueued."""
    with transaction.atomic():
        meeting = _lock_meeting(meeting.pk)
        if meeting.status == ReportMeeting.Status.OPEN:
            return meeting
        if meeting.status == ReportMeeting.Status.CLOSED:
            raise ScoringClosed(_("締切済みの報告会は再開できません。"))
        if not meeting.presentations.exists():
            raise EvaluationError(_("発表が登録されていないため、評価を開始できません。"))
        rubric_ensure_defaults(fiscal_year=meeting.project.fiscal_year)
        meeting.status = ReportMeeting.Status.OPEN
        meeting.opened_at = now or timezone.now()
        meeting.save(update_fields=["status", "opened_at"])
        transaction.on_commit(_enqueue_reminders)
    return meeting


def _enqueue_reminders():
    from .tasks import send_reminders

    try:
        send_reminders.delay()
    except Exception:  # a broker outage must not break the page; beat retries hourly
        logger.exception("could not enqueue evaluations.send_reminders")


def meeting_close(
    *, meeting: ReportMeeting, by: User, now: datetime.datetime | None = None
) -> ReportMeeting:
    """Close scoring: lock the row, record who closed it and when. After commit, send
    `report_meeting_closed(sender=ReportMeeting, meeting_id, user_ids)` with the
    approved members and leaders of the meeting's teams. Idempotent when closed."""
    with transaction.atomic():
        meeting = _lock_meeting(meeting.pk)
        if meeting.status == ReportMeeting.Status.CLOSED:
            return meeting
        if meeting.status != ReportMeeting.Status.OPEN:
            raise ScoringClosed(_("評価受付中の報告会のみ締め切れます。"))
        meeting.status = ReportMeeting.Status.CLOSED
        meeting.closed_at = now or timezone.now()
        meeting.closed_by = by
        meeting.save(update_fields=["status", "closed_at", "closed_by"])
        user_ids = sorted(
            set(
                Membership.objects.filter(
                    team__presentations__meeting=meeting,
                    status=Membership.Status.APPROVED,
                ).values_list("user_id", flat=True)
            )
        )
        meeting_id = meeting.pk
        transaction.on_commit(
            lambda: report_meeting_closed.send(
                sender=ReportMeeting, meeting_id=meeting_id, user_ids=user_ids
            )
        )
    return meeting


# --- leadership windows and invitations --------------------------------------------------


def window_open(
    *,
    project: Project,
    closes_on: datetime.date,
    by: User,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> LeadershipWindow:
    """Open (or move the deadline of) the project's leadership-evaluation window.
    A closed window never reopens; the deadline may not lie in the past."""
    today = today or timezone.localdate()
    if project.status in (Project.Status.DRAFT, Project.Status.RECRUITING):
        # Members evaluate their leader after working together, not before teams exist.
        raise EvaluationError(
            _("リーダーシップ評価は、プロジェクトの実施が始まってから開始できます。")
        )
    if closes_on < today:
        raise EvaluationError(_("締切日は今日以降の日付にしてください。"))
    with transaction.atomic():
        window, _created = LeadershipWindow.objects.get_or_create(
            project=project, defaults={"closes_on": closes_on}
        )
        window = LeadershipWindow.objects.select_for_update().get(pk=window.pk)
        if window.status == LeadershipWindow.Status.CLOSED:
            raise ScoringClosed(_("締切済みのリーダーシップ評価は再開できません。"))
        rubric_ensure_defaults(fiscal_year=project.fiscal_year)
        window.closes_on = closes_on
        if window.status != LeadershipWindow.Status.OPEN:
            window.status = LeadershipWindow.Status.OPEN
            window.opened_at = now or timezone.now()
        window.save()
    return window


def window_close(
    *, window: LeadershipWindow, by: User, now: datetime.datetime | None = None
) -> LeadershipWindow:
    """Close the window: lock the row, record who closed it and when. After commit,
    send `leadership_window_closed(sender=LeadershipWindow, window_id, user_ids)` with
    the leaders of the project's approved teams. Idempotent when closed."""
    with transaction.atomic():
        window = LeadershipWindow.objects.select_for_update().get(pk=window.pk)
        if window.status == LeadershipWindow.Status.CLOSED:
            return window
        if window.status != LeadershipWindow.Status.OPEN:
            raise ScoringClosed(_("受付中のリーダーシップ評価のみ締め切れます。"))
        window.status = LeadershipWindow.Status.CLOSED
        window.closed_at = now or timezone.now()
        window.closed_by = by
        window.save(update_fields=["status", "closed_at", "closed_by"])
        user_ids = sorted(
            set(
                Membership.objects.filter(
                    team__project_id=window.project_id,
                    team__status=Team.Status.APPROVED,
                    role=Membership.Role.LEADER,
                    status=Membership.Status.APPROVED,
                ).values_list("user_id", flat=True)
            )
        )
        window_id = window.pk
        transaction.on_commit(
            lambda: leadership_window_closed.send(
                sender=LeadershipWindow, window_id=window_id, user_ids=user_ids
            )
        )
    return window


def team_leader(team: Team) -> User | None:
    membership = (
        Membership.objects.select_related("user__department")
        .filter(team=team, role=Membership.Role.LEADER, status=Membership.Status.APPROVED)
        .first()
    )
    return membership.user if membership else None


def invitation_add(*, team: Team, user: User, by: User) -> LeadershipInvitation:
    """Invite a colleague of the leader's own department (同一所属職員) to evaluate the
    leader. Refused for other departments, the leader and the team's members.
    Idempotent: inviting twice returns the existing invitation."""
    leader = team_leader(team)
    if leader is None:
        raise EvaluationError(_("このチームには承認済みのリーダーがいません。"))
    if user.pk == leader.pk:
        raise NotAllowed(_("リーダー本人を評価者として招待することはできません。"))
    if Membership.objects.filter(team=team, user=user, status__in=Membership.LIVE).exists():
        raise NotAllowed(_("チームのメンバーは招待しなくても評価できます。"))
    if not permissions.is_city_staff(user) or not user.is_active:
        raise NotAllowed(_("市の職員のみ招待できます。"))
    if leader.department_id is None or user.department_id != leader.department_id:
        raise NotAllowed(_("リーダーと同じ所属の職員のみ招待できます。"))
    with transaction.atomic():
        window = (
            LeadershipWindow.objects.select_for_update().filter(project_id=team.project_id).first()
        )
        if window and window.status == LeadershipWindow.Status.CLOSED:
            raise ScoringClosed(_("締切済みのリーダーシップ評価には招待できません。"))
        invitation, _created = LeadershipInvitation.objects.get_or_create(
            team=team, user=user, defaults={"invited_by": by}
        )
    return invitation


def invitation_remove(*, invitation: LeadershipInvitation) -> None:
    """Withdraw an invitation that has not been used yet, while the project's window is
    not closed (the window row is locked, as `invitation_add` and `window_close` do)."""
    with transaction.atomic():
        window = (
            LeadershipWindow.objects.select_for_update()
            .filter(project_id__in=Team.objects.filter(pk=invitation.team_id).values("project_id"))
            .first()
        )
        if window and window.status == LeadershipWindow.Status.CLOSED:
            raise ScoringClosed(_("締切済みのリーダーシップ評価の招待は取り消せません。"))
        if Evaluation.objects.filter(
            team_id=invitation.team_id,
            evaluator_id=invitation.user_id,
            perspective=Perspective.LEADERSHIP,
        ).exists():
            raise EvaluationError(_("既に評価を提出した招待は取り消せません。"))
        LeadershipInvitation.objects.filter(pk=invitation.pk).delete()


# --- evaluations -------------------------------------------------------------------------


def _check_may_evaluate(
    *, evaluator: User, perspective: str, presentation: Presentation | None, team: Team | None
) -> None:
    """Raise NotAllowed with the reason when `evaluator` may not give this evaluation."""
    if perspective == Perspective.POLICY and not permissions.is_executive(evaluator):
        raise NotAllowed(_("政策的観点の評価は幹部職員のみが行えます。"))
    if perspective == Perspective.TECHNICAL and not permissions.is_external_expert(evaluator):
        raise NotAllowed(_("技術的観点の評価は外部専門家のみが行えます。"))
    if presentation is not None:
        if Membership.objects.filter(
            team_id=presentation.team_id, user=evaluator, status__in=Membership.LIVE
        ).exists():
            raise NotAllowed(_("自分が所属するチームの発表は評価できません。"))
        return
    assert team is not None
    live = Membership.objects.filter(team=team, user=evaluator, status__in=Membership.LIVE)
    if live.filter(role=Membership.Role.LEADER).exists():
        raise NotAllowed(_("自分自身のリーダーシップは評価できません。"))
    is_member = live.filter(status=Membership.Status.APPROVED).exists()
    is_invited = LeadershipInvitation.objects.filter(team=team, user=evaluator).exists()
    if not (is_member or is_invited):
        raise NotAllowed(
            _("リーダーシップ評価は、チームのメンバーと招待された同一所属職員のみが行えます。")
        )


def _clean_scores(scores: Mapping, criteria: list[Criterion]) -> dict[int, int]:
    by_id = {c.pk: c for c in criteria}
    cleaned: dict[int, int] = {}
    for key, value in scores.items():
        try:
            criterion_id = int(key)
        except (TypeError, ValueError):
            raise InvalidScores(_("評価項目の指定が正しくありません。")) from None
        if criterion_id not in by_id:
            raise InvalidScores(_("この評価基準にない評価項目が含まれています。"))
        if isinstance(value, bool):
            value = None
        try:
            point = int(value)
        except (TypeError, ValueError):
            point = None
        if point is None or str(point) != str(value).strip() or not 1 <= point <= 5:
            raise InvalidScores(
                _("「%(label)s」は1〜5の整数で評価してください。")
                % {"label": by_id[criterion_id].label_ja}
            )
        cleaned[criterion_id] = point
    missing = [c.label_ja for c in criteria if c.pk not in cleaned]
    if missing:
        raise InvalidScores(
            _("未評価の項目があります：%(labels)s") % {"labels": "、".join(missing)}
        )
    return cleaned


def evaluation_submit(
    *,
    evaluator: User,
    perspective: str,
    scores: Mapping,
    comment: str = "",
    presentation: Presentation | int | None = None,
    team: Team | int | None = None,
) -> Evaluation:
    """Create or edit the ONE evaluation of `evaluator` × subject × `perspective`.

    The subject is a presentation (policy, technical) or a team's leader (leadership).
    `scores` maps every criterion id of the year's rubric to 1..5. The meeting or window
    row is locked first, so a concurrent close either waits for this submission or this
    submission sees the closed state and is refused. Refusals change nothing."""
    if perspective not in Perspective.values:
        raise EvaluationError(_("評価の観点が正しくありません。"))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise EvaluationError(_("コメントは%(max)s文字以内にしてください。") % {"max": COMMENT_MAX})
    if "\x00" in comment:
        raise EvaluationError(_("コメントに使用できない文字が含まれています。"))
    if perspective in REPORT_PERSPECTIVES:
        if presentation is None or team is not None:
            raise EvaluationError(_("この観点では発表を評価してください。"))
        if not isinstance(presentation, Presentation):
            presentation = Presentation.objects.filter(pk=_as_pk(presentation)).first()
            if presentation is None:
                raise EvaluationError(_("指定された発表が見つかりません。"))
    else:
        if team is None or presentation is not None:
            raise EvaluationError(_("リーダーシップ評価ではチームを指定してください。"))
        if not isinstance(team, Team):
            team = Team.objects.filter(pk=_as_pk(team)).first()
            if team is None:
                raise EvaluationError(_("指定されたチームが見つかりません。"))

    with transaction.atomic():
        if presentation is not None:
            meeting = (
                ReportMeeting.objects.select_for_update()
                .select_related("project")
                .get(pk=presentation.meeting_id)
            )
            if meeting.status != ReportMeeting.Status.OPEN:
                raise ScoringClosed(_("この報告会は評価を受け付けていません。"))
            fiscal_year = meeting.project.fiscal_year
        else:
            window = (
                LeadershipWindow.objects.select_for_update()
                .select_related("project")
                .filter(project_id=team.project_id)
                .first()
            )
            if window is None or window.status != LeadershipWindow.Status.OPEN:
                raise ScoringClosed(_("このリーダーシップ評価は受付期間外です。"))
            if team.status != Team.Status.APPROVED:
                raise EvaluationError(_("承認済みのチームのみ評価できます。"))
            fiscal_year = window.project.fiscal_year
        _check_may_evaluate(
            evaluator=evaluator, perspective=perspective, presentation=presentation, team=team
        )
        # Lock the rubric too, so its criteria cannot change under this submission.
        rubric = (
            Rubric.objects.select_for_update()
            .filter(fiscal_year=fiscal_year, perspective=perspective)
            .first()
        )
        if rubric is None:
            raise EvaluationError(_("この年度の評価基準が設定されていません。"))
        criteria = list(rubric.criteria.order_by("order"))
        if not criteria:
            raise EvaluationError(_("この評価基準には評価項目がありません。"))
        cleaned = _clean_scores(scores, criteria)
        score = evaluation_score([(cleaned[c.pk], c.weight) for c in criteria])

        evaluation = _get_or_create_evaluation(
            evaluator=evaluator,
            perspective=perspective,
            presentation=presentation,
            team=team,
            defaults={"rubric": rubric, "score": score, "comment": comment},
        )
        evaluation.rubric = rubric
        evaluation.score = score
        evaluation.comment = comment
        evaluation.save(update_fields=["rubric", "score", "comment", "updated_at"])
        CriterionScore.objects.filter(evaluation=evaluation).delete()
        CriterionScore.objects.bulk_create(
            CriterionScore(evaluation=evaluation, criterion_id=cid, score=point)
            for cid, point in cleaned.items()
        )
    return evaluation


def _as_pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _get_or_create_evaluation(*, evaluator, perspective, presentation, team, defaults):
    """The rater's evaluation, created if missing. A concurrent duplicate (unique
    constraint) is caught inside a savepoint and the existing row is used instead."""
    lookup = {"evaluator": evaluator, "perspective": perspective}
    if presentation is not None:
        lookup["presentation"] = presentation
    else:
        lookup["team"] = team
    existing = Evaluation.objects.select_for_update().filter(**lookup).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Evaluation.objects.create(**lookup, **defaults)
    except IntegrityError:
        return Evaluation.objects.select_for_update().get(**lookup)


# --- reminders ---------------------------------------------------------------------------


def _remind(*, user: User, key: str, subject: str, template: str, context: dict) -> bool:
    """Record the reminder (once per user and key) and send it after commit."""
    if not user.email:
        return False
    try:
        with transaction.atomic():
            ReminderLog.objects.create(user=user, key=key)
    except IntegrityError:
        return False
    with translation.override("ja"):
        body = render_to_string(template, {"user": user, "site_url": settings.SITE_URL, **context})
    email = user.email

    def send():
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])

    transaction.on_commit(send)
    return True


def reminders_send(*, today: datetime.date | None = None) -> int:
    """E-mail raters who have not answered yet; returns how many reminders were sent.

    - Open report meeting: executives (policy) and experts (technical) who have not
      scored every presentation they may score. Key `meeting:<id>`.
    - Open leadership window closing tomorrow: members and invited colleagues who have
      not evaluated their leader. Key `window:<id>:<closes_on>`.
    Never twice for the same rater and key (ReminderLog's unique constraint)."""
    from .selectors import leadership_pending_raters, meeting_pending_raters

    today = today or timezone.localdate()
    sent = 0
    with transaction.atomic():
        for meeting in ReportMeeting.objects.filter(
            status=ReportMeeting.Status.OPEN
        ).select_related("project"):
            for user, missing in meeting_pending_raters(meeting=meeting):
                sent += _remind(
                    user=user,
                    key=f"meeting:{meeting.pk}",
                    subject=_("【DX人材ポータル】報告会の評価をお願いします"),
                    template="evaluations/email/meeting_reminder.txt",
                    context={
                        "meeting": meeting,
                        "missing": missing,
                        "held_on": wareki_date(meeting.held_on),
                    },
                )
        tomorrow = today + datetime.timedelta(days=1)
        windows = LeadershipWindow.objects.filter(
            status=LeadershipWindow.Status.OPEN, closes_on=tomorrow
        ).select_related("project")
        for window in windows:
            for user, teams in leadership_pending_raters(window=window):
                sent += _remind(
                    user=user,
                    key=f"window:{window.pk}:{window.closes_on.isoformat()}",
                    subject=_("【DX人材ポータル】リーダーシップ評価の締切は明日です"),
                    template="evaluations/email/leadership_reminder.txt",
                    context={
                        "window": window,
                        "teams": teams,
                        "closes_on": wareki_date(window.closes_on),
                    },
                )
    return sent


__all__ = [
    "criterion_add",
    "criterion_delete",
    "criterion_update",
    "evaluation_score",
    "evaluation_submit",
    "invitation_add",
    "invitation_remove",
    "materials_check",
    "meeting_close",
    "meeting_open",
    "meeting_schedule",
    "presentation_add",
    "presentation_attach_materials",
    "presentation_move",
    "presentation_reorder",
    "reminders_send",
    "rubric_copy",
    "rubric_ensure_defaults",
    "rubric_is_locked",
    "team_leader",
    "window_close",
    "window_open",
]
