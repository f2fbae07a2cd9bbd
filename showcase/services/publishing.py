"""Publishing a team's results to all staff, and the theme tags the organiser keeps."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction, User
from evaluations.models import Presentation, ReportMeeting
from projects.models import Team

from ..exceptions import InvalidData, NotAllowed, NotPublishable
from ..models import ShowcaseCase, ThemeTag
from ..permissions import can_manage_showcase
from ..text import search_text_of
from ._common import full_clean


def publish_refusal(team: Team, *, has_closed_meeting: bool | None = None) -> str | None:
    """Why `team`'s results may not be published, or None. Only an approved team, and only
    once a report meeting of its project has closed (the results are final by then)."""
    if team.status != Team.Status.APPROVED:
        return _("承認済みのチームだけを公開できます。")
    if has_closed_meeting is None:
        has_closed_meeting = ReportMeeting.objects.filter(
            project_id=team.project_id, status=ReportMeeting.Status.CLOSED
        ).exists()
    if not has_closed_meeting:
        return _("プロジェクトの報告会が締め切られてから公開できます。")
    return None


def _search_text(team: Team, tags: list[ThemeTag]) -> str:
    worksheet = getattr(team, "worksheet", None)
    titles = Presentation.objects.filter(team=team).values_list("title", flat=True)
    parts = [team.name, team.theme, team.project.title, *titles]
    if team.target_department is not None:
        parts.append(team.target_department.name)
    if worksheet is not None:
        parts += [
            worksheet.problem,
            worksheet.cause,
            worksheet.solution,
            worksheet.effect,
            worksheet.as_is,
            worksheet.to_be,
            worksheet.can_be,
        ]
        parts += [effect.label for effect in worksheet.effects.all()]
    parts += [tag.name for tag in tags] + [tag.name_en for tag in tags]
    return search_text_of(*parts)


def _title(team: Team) -> str:
    presentation = Presentation.objects.filter(team=team).order_by("-meeting__held_on").first()
    return (presentation.title if presentation else "") or team.theme or team.name


def case_publish(
    *, team: Team, by: User, tags: Iterable[ThemeTag] = (), request=None
) -> ShowcaseCase:
    """Publish (or publish again) `team`'s results to all staff with these theme tags.

    Refused unless `by` is an organiser and `publish_refusal` allows it. The case's title,
    年度, 所属 and search text are taken from the team now; publishing an already
    published case refreshes them and its tags. Audited (操作ログ)."""
    if not can_manage_showcase(by):
        raise NotAllowed(_("事例を公開できるのはDX推進担当だけです。"))
    tags = list(tags)
    with transaction.atomic():
        locked = (
            Team.objects.select_for_update(of=("self",))
            .select_related("project", "target_department")
            .get(pk=team.pk)
        )
        refusal = publish_refusal(locked)
        if refusal:
            raise NotPublishable(refusal)
        now = timezone.now()
        case = ShowcaseCase.objects.filter(team=locked).first() or ShowcaseCase(team=locked)
        was_published = case.pk is not None and case.is_published
        case.title = _title(locked)[:200]
        case.fiscal_year = locked.project.fiscal_year
        case.department = locked.target_department
        case.search_text = _search_text(locked, tags)
        case.status = ShowcaseCase.Status.PUBLISHED
        if not was_published:
            case.published_at = now
            case.published_by = by
            case.unpublished_at = None
        full_clean(case, exclude=["team"])
        case._history_user = by
        case.save()
        case.tags.set(tags)
        audit_record(
            actor=by,
            action=AuditAction.SHOWCASE_PUBLISH,
            target=case,
            request=request,
            detail={"team": locked.pk, "tags": sorted(t.name for t in tags)},
        )
    return case


def case_unpublish(*, case: ShowcaseCase, by: User, request=None) -> ShowcaseCase:
    """Take a case off the showcase and the library. Interests registered stay (the
    organiser still tracks them). Returns early when already unpublished. Audited."""
    if not can_manage_showcase(by):
        raise NotAllowed(_("事例を非公開にできるのはDX推進担当だけです。"))
    with transaction.atomic():
        locked = ShowcaseCase.objects.select_for_update().get(pk=case.pk)
        if not locked.is_published:
            return locked
        locked.status = ShowcaseCase.Status.UNPUBLISHED
        locked.unpublished_at = timezone.now()
        locked._history_user = by
        locked.save(update_fields=["status", "unpublished_at"])
        audit_record(
            actor=by, action=AuditAction.SHOWCASE_UNPUBLISH, target=locked, request=request
        )
    return locked


def theme_tag_add(*, name: str, name_en: str = "", by: User) -> ThemeTag:
    """Add a theme tag to the organiser's list (names are unique)."""
    if not can_manage_showcase(by):
        raise NotAllowed(_("タグを追加できるのはDX推進担当だけです。"))
    tag = ThemeTag(name=(name or "").strip(), name_en=(name_en or "").strip())
    if not tag.name:
        raise InvalidData(_("タグを入力してください。"))
    try:
        with transaction.atomic():
            full_clean(tag, validate_unique=False)
            if ThemeTag.objects.filter(name=tag.name).exists():
                raise InvalidData(_("同じ名前のタグがあります。"))
            tag._history_user = by
            tag.save()
    except IntegrityError as error:
        raise InvalidData(_("同じ名前のタグがあります。")) from error
    return tag
