"""Evaluations: the score of one evaluation, who may give it, and submitting it."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from projects.models import Membership, Team
from projects.selectors import available_memberships

from ..exceptions import EvaluationError, InvalidScores, NotAllowed, ScoringClosed
from ..models import (
    REPORT_PERSPECTIVES,
    Criterion,
    CriterionScore,
    Evaluation,
    LeadershipInvitation,
    LeadershipWindow,
    Perspective,
    Presentation,
    ReportMeeting,
    Rubric,
)
from ..rules import evaluation_score
from ..selectors import team_leader

COMMENT_MAX = 2000


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
    # The window evaluates the leader at the report meeting (issue 14): after a change, the
    # former leader is still the one evaluated, and the new one may rate them.
    leader = team_leader(team)
    live = Membership.objects.filter(team=team, user=evaluator, status__in=Membership.LIVE)
    if (leader is not None and leader.pk == evaluator.pk) or (
        leader is None and live.filter(role=Membership.Role.LEADER).exists()
    ):
        raise NotAllowed(_("自分自身のリーダーシップは評価できません。"))
    is_invited = LeadershipInvitation.objects.filter(team=team, user=evaluator).exists()
    approved = live.filter(status=Membership.Status.APPROVED)
    is_member = available_memberships(approved, on=timezone.localdate()).exists()
    if not (is_member or is_invited) and approved.exists():
        raise NotAllowed(
            _("休止中または参加を終了したメンバーは、リーダーシップ評価を行えません。")
        )
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
            if not meeting.is_open:
                raise ScoringClosed(_("この報告会は評価を受け付けていません。"))
            fiscal_year = meeting.project.fiscal_year
        else:
            window = (
                LeadershipWindow.objects.select_for_update()
                .select_related("project")
                .filter(project_id=team.project_id)
                .first()
            )
            if window is None or not window.is_open:
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
        evaluation._history_user = evaluator
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
