"""Report meetings (報告会) and their presentations: schedule, materials, order, open, close."""

from __future__ import annotations

import datetime
import logging
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction, User
from projects.models import Membership, Project, Team

from ..exceptions import (
    EvaluationError,
    InvalidMaterials,
    ScoringClosed,
)
from ..models import (
    Presentation,
    ReportMeeting,
)
from ..signals import report_meeting_closed
from .rubrics import rubric_ensure_defaults

logger = logging.getLogger(__name__)


MATERIALS_EXTENSIONS = {".pdf", ".pptx"}


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
    from ..tasks import send_reminders

    try:
        send_reminders.delay()
    except Exception:  # a broker outage must not break the page; beat retries hourly
        logger.exception("could not enqueue evaluations.send_reminders")


def meeting_close(
    *,
    meeting: ReportMeeting,
    by: User,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> ReportMeeting:
    """Close scoring: lock the row, record who closed it and when (on the meeting and in
    the 操作ログ; `request` gives the address). After commit, send
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
        audit_record(actor=by, action=AuditAction.MEETING_CLOSE, target=meeting, request=request)
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
