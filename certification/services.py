"""Writes for certification. Every change leaves a django-simple-history row with who
(`history_user`) and why (`history_change_reason`).

Locking: a person's certifications are serialised on the person's `User` row
(`select_for_update`). The recompute takes that lock only for the people it is about to
change, so a run with nothing to change takes no lock and writes nothing.

Recompute decisions (docs/decisions/0005-certification-recompute.md says why):

- Manual HELD certifications are `prior` for `decide`; automatic ones are what `decide`
  must reproduce, so they are not.
- A level `decide` awards that the person does not hold → a new automatic certification
  (active, evidence from `Award.evidence` plus team names, the award's 年度), and an email
  to the person after commit.
- An automatic ACTIVE certification whose level `decide` no longer awards → FLAGGED with
  a `flag_reason`; never revoked, never deleted. HR resolves it.
- An automatic FLAGGED certification whose level `decide` awards again → back to ACTIVE,
  `flag_reason` cleared: the doubt was raised by the machine and the same machine now
  finds the evidence again (history shows both steps).
- A still-supported certification whose evidence or 年度 would now differ is left alone
  (nothing written): the certification records when and why it was earned; rewriting it
  on every new evaluation would churn history and move awards between years.
- A level the person has a REVOKED certification of is not awarded again by the machine,
  nor is any level above it (an Expert cannot stand on a revoked Advisor): HR's
  revocation stands until HR grants by hand (`selectors.revocation_floor`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.fiscal import fiscal_year_label
from accounts.models import User

from . import rules, selectors
from .exceptions import AlreadyHeld, NotFlagged, ReasonRequired
from .models import Certification, Level, RecomputeRun, StaleUser

logger = logging.getLogger(__name__)

#: A run's progress (RecomputeRun.done) is written this many times while people are
#: decided, whatever their number, so the query count stays constant.
PROGRESS_STEPS = 20

Status = Certification.Status
Source = Certification.Source


# --- recompute ------------------------------------------------------------------------


@dataclass
class _Diff:
    create: list[tuple[int, rules.Award]] = field(default_factory=list)  # (user, award)
    flag: dict[int, str] = field(default_factory=dict)  # pk → flag reason
    restore: set[int] = field(default_factory=set)

    def __bool__(self):
        return bool(self.create or self.flag or self.restore)

    def user_ids(self, rows) -> set[int]:
        ids = {user_id for user_id, _award in self.create}
        ids |= {user_id for pk, user_id, *_ in rows if pk in self.flag or pk in self.restore}
        return ids


def _enrich(evidence, teams: dict[int, selectors.TeamInfo]):
    """Add each team's name and project title beside its id, so HR reads names."""
    if isinstance(evidence, dict):
        out = {key: _enrich(value, teams) for key, value in evidence.items()}
        info = teams.get(evidence.get("team")) if "team" in evidence else None
        if info is not None:
            out["team_name"] = info.name
            out["project_title"] = info.project_title
        return out
    if isinstance(evidence, list):
        return [_enrich(item, teams) for item in evidence]
    return evidence


def _flag_reason(level: int) -> str:
    return _(
        "再計算の結果、現在の評価データでは%(level)sの認定条件を満たしていません。"
        "人事担当が確認してください。"
    ) % {"level": Level(level).label}


def _diff(outcomes: dict[int, rules.Outcome], rows) -> _Diff:
    """What must change, given each person's outcome and their certification rows
    (pk, user_id, level, status, source)."""
    held_auto: dict[tuple[int, int], tuple[int, str]] = {}
    blocked: set[tuple[int, int]] = set()  # (user, level) held manually or revoked
    statuses: dict[int, list[tuple[int, str]]] = {}
    for pk, user_id, level, status, source in rows:
        statuses.setdefault(user_id, []).append((level, status))
        if status == Status.REVOKED or source == Source.MANUAL:
            blocked.add((user_id, level))
        else:
            held_auto[(user_id, level)] = (pk, status)
    floors = {user_id: selectors.revocation_floor(pairs) for user_id, pairs in statuses.items()}

    diff = _Diff()
    for user_id, outcome in outcomes.items():
        awarded = {int(a.level): a for a in outcome.awards}
        for level, award in awarded.items():
            key = (user_id, level)
            if key in held_auto:
                pk, status = held_auto[key]
                if status == Status.FLAGGED:
                    diff.restore.add(pk)
            elif key not in blocked and (floors.get(user_id) is None or level < floors[user_id]):
                diff.create.append((user_id, award))
    for (user_id, level), (pk, status) in held_auto.items():
        if (
            user_id in outcomes
            and status == Status.ACTIVE
            and level not in {int(a.level) for a in outcomes[user_id].awards}
        ):
            diff.flag[pk] = _flag_reason(level)
    return diff


def _certification_rows(user_ids: list[int] | None):
    """(pk, user_id, level, status, source) of every certification of `user_ids`
    (None: of everyone), in one query."""
    qs = Certification.objects.all()
    if user_ids is not None:
        qs = qs.filter(user_id__in=user_ids)
    return list(qs.values_list("pk", "user_id", "level", "status", "source").order_by())


def _candidates(data: selectors.Gathered, rows, stale) -> list[int]:
    """Everyone a full recompute must look at, sorted: people with an approved membership
    of an approved team (the gathered participations), people holding an automatic
    certification (which may need flagging) and people marked stale."""
    ids = set(data.participations)
    ids.update(
        user_id
        for _pk, user_id, _level, status, source in rows
        if source == Source.AUTOMATIC and status in Certification.HELD
    )
    ids.update(user_id for user_id, _at in stale)
    return sorted(ids)


def _decide(
    ids: list[int], data: selectors.Gathered, *, on_step=None, step: int | None = None
) -> dict[int, rules.Outcome]:
    """`rules.decide` for each person of `ids`. `decide` is pure, so people with the same
    participations and prior awards (the members of one team, say) share one outcome,
    computed once; outcomes are only read afterwards. `on_step(done)` is called after
    every `step` people (by default PROGRESS_STEPS times in all)."""
    outcomes: dict[int, rules.Outcome] = {}
    memo: dict[tuple, rules.Outcome] = {}
    no_prior: list[rules.PriorAward] = []
    total = len(ids)
    if step is None:
        bounds = [total * i // PROGRESS_STEPS for i in range(1, PROGRESS_STEPS + 1)]
    else:
        bounds = list(range(step, total, step)) + [total]
    start = 0
    for bound in bounds:
        for user_id in ids[start:bound]:
            participations = data.participations.get(user_id, no_prior)
            prior = data.prior.get(user_id, no_prior)
            key = (tuple(participations), tuple(prior))
            outcome = memo.get(key)
            if outcome is None:
                outcome = memo[key] = rules.decide(participations, data.rule_sets, prior)
            outcomes[user_id] = outcome
        start = bound
        if on_step is not None:
            on_step(bound)
    return outcomes


def _apply(diff: _Diff, teams: dict[int, selectors.TeamInfo], *, notify: bool) -> dict[str, int]:
    now = timezone.now()
    created = []
    if diff.create:
        reason = _("自動判定により認定")
        new = []
        for user_id, award in diff.create:
            cert = Certification(
                user_id=user_id,
                level=int(award.level),
                fiscal_year=award.fiscal_year,
                status=Status.ACTIVE,
                source=Source.AUTOMATIC,
                evidence=_enrich(award.evidence, teams),
            )
            cert._change_reason = reason
            new.append(cert)
        created = bulk_create_with_history(new, Certification)
    changed = list(Certification.objects.filter(pk__in=[*diff.flag, *diff.restore]))
    for cert in changed:
        if cert.pk in diff.flag:
            cert.status = Status.FLAGGED
            cert.flag_reason = diff.flag[cert.pk]
            cert._change_reason = cert.flag_reason
        else:
            cert.status = Status.ACTIVE
            cert.flag_reason = ""
            cert._change_reason = _("再計算で認定条件を満たすことを確認したため有効に戻しました")
        cert.updated_at = now
    if changed:
        bulk_update_with_history(changed, Certification, ["status", "flag_reason", "updated_at"])
    if notify and created:
        ids = [c.pk for c in created]
        transaction.on_commit(lambda: _enqueue_award_emails(ids), robust=True)
    return {"created": len(created), "flagged": len(diff.flag), "restored": len(diff.restore)}


def certifications_recompute(
    *,
    user_ids: Iterable[int] | None = None,
    run: RecomputeRun | None = None,
    notify: bool = True,
    chunk_size: int | None = None,
) -> dict[str, int]:
    """Recompute the certifications of `user_ids` (None: everyone concerned) and apply
    the difference (see the module docstring for what changes and what never does).

    One pass, in a fixed number of queries whatever the number of people: the stale
    markers, `selectors.gather` (five streaming reads, no id list for everyone), every
    certification row of those people, then `decide` for each person in memory. If
    anything must change, one transaction locks the people to change, re-reads their
    rows, applies the difference in bulk (created, flagged, restored, with history) and
    deletes the stale markers read at the start (a marker written after that read is left
    for the next run). The whole programme's data is tens of megabytes, so nothing is
    chunked.

    With `run`, its progress is written while people are decided (PROGRESS_STEPS times,
    or every `chunk_size` people if given), and `done` reaches `total` only once the
    changes are committed. Idempotent: a second run with the same data changes nothing
    and writes nothing (except `run`'s progress). Emails each newly certified person
    after commit unless `notify` is False. Returns counts: people, created, flagged,
    restored.
    """
    explicit = None if user_ids is None else sorted({int(i) for i in user_ids})
    # Stored reasons are personnel records: always Japanese, whoever triggered the run.
    with translation.override("ja"):
        # Read the stale markers first: a marker written after this read is left for the
        # next run (its close may carry data this run did not see).
        stale_qs = StaleUser.objects.values_list("user_id", "marked_at").order_by()
        if explicit is not None:
            stale_qs = stale_qs.filter(user_id__in=explicit)
        stale = list(stale_qs)
        data = selectors.gather(user_ids=explicit)
        rows = _certification_rows(explicit)
        ids = _candidates(data, rows, stale) if explicit is None else explicit

        on_step = None
        if run is not None:
            RecomputeRun.objects.filter(pk=run.pk).update(
                status=RecomputeRun.Status.RUNNING, total=len(ids), done=0, created=0, flagged=0
            )

            def on_step(done: int) -> None:
                if done < len(ids):  # the last step is written after the commit
                    RecomputeRun.objects.filter(pk=run.pk).update(done=done)

        outcomes = _decide(ids, data, on_step=on_step, step=chunk_size)
        counts = {"created": 0, "flagged": 0, "restored": 0}
        with transaction.atomic():
            diff = _diff(outcomes, rows)
            if diff:
                # Lock the people we are about to change, then decide the difference
                # again on fresh rows: a concurrent run or an HR grant may have changed
                # them since the read.
                affected = sorted(diff.user_ids(rows))
                list(
                    User.objects.select_for_update()
                    .filter(pk__in=affected)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
                rows = _certification_rows(explicit)
                diff = _diff({u: outcomes[u] for u in affected}, rows)
                counts = _apply(diff, data.teams, notify=notify)
            if stale:
                StaleUser.objects.filter(
                    user_id__in=[user_id for user_id, _at in stale],
                    marked_at__lte=max(at for _user, at in stale),
                ).delete()
    totals = {"people": len(ids), **counts}
    if run is not None:
        RecomputeRun.objects.filter(pk=run.pk).update(
            status=RecomputeRun.Status.DONE,
            done=len(ids),
            created=counts["created"],
            flagged=counts["flagged"],
            finished_at=timezone.now(),
        )
    logger.info("certification recompute: %s", totals)
    return totals


def recompute_run_start(*, by: User) -> RecomputeRun:
    """Create a RecomputeRun and enqueue `certification.recompute_all` after commit. If
    the broker is down, the run is marked failed (and logged); nothing else changes."""
    from .tasks import BROKER_ERRORS, recompute_all

    with transaction.atomic():
        run = RecomputeRun.objects.create(requested_by=by)

        def enqueue():
            try:
                recompute_all.delay(run.pk)
            except BROKER_ERRORS:
                logger.warning("recompute run %s could not be queued: broker down", run.pk)
                RecomputeRun.objects.filter(pk=run.pk).update(
                    status=RecomputeRun.Status.FAILED, finished_at=timezone.now()
                )

        transaction.on_commit(enqueue, robust=True)
    return run


def mark_stale(*, user_ids: Iterable[int]) -> int:
    """Mark people whose certification must be recomputed (one upsert; re-marking only
    refreshes `marked_at`). Returns how many were marked."""
    ids = sorted({int(i) for i in user_ids})
    if not ids:
        return 0
    now = timezone.now()
    StaleUser.objects.bulk_create(
        [StaleUser(user_id=i, marked_at=now) for i in ids],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["marked_at"],
    )
    return len(ids)


# --- HR's hand ------------------------------------------------------------------------


def _clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    return reason


def _lock_person(user_id: int) -> None:
    list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))


def certification_grant(
    *, user: User, level: int, fiscal_year: int, reason: str, by: User
) -> Certification:
    """HR grants a level by hand (source manual, reason required). Refused when the
    person already holds that level (active or flagged). The person is emailed after
    commit, and recomputed (a manual Advisor can make an automatic Expert possible)."""
    reason = _clean_reason(reason)
    level = Level(int(level))
    with transaction.atomic():
        _lock_person(user.pk)
        if Certification.objects.filter(
            user=user, level=level, status__in=Certification.HELD
        ).exists():
            raise AlreadyHeld()
        cert = Certification(
            user=user,
            level=level,
            fiscal_year=int(fiscal_year),
            status=Status.ACTIVE,
            source=Source.MANUAL,
            reason=reason,
            changed_by=by,
            evidence={
                "level": rules.Level(int(level)).code,
                "fiscal_year": int(fiscal_year),
                "manual": True,
                "reason": reason,
            },
        )
        cert.full_clean()
        cert._change_reason = reason
        cert._history_user = by
        cert.save()
        pk = cert.pk
        transaction.on_commit(lambda: _enqueue_award_emails([pk]), robust=True)
        transaction.on_commit(lambda: _enqueue_recompute([user.pk]), robust=True)
    return cert


def certification_revoke(*, certification: Certification, reason: str, by: User) -> Certification:
    """HR revokes a certification (reason required): status 取消, `revoked_at` set. Never
    deleted. Already revoked → returned unchanged. The machine will not re-award it."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        cert = Certification.objects.select_for_update().get(pk=certification.pk)
        if cert.status == Status.REVOKED:
            return cert
        cert.status = Status.REVOKED
        cert.revoked_at = timezone.now()
        cert.reason = reason
        cert.changed_by = by
        cert._change_reason = reason
        cert._history_user = by
        cert.save()
    return cert


def certification_resolve_flag(
    *, certification: Certification, by: User, keep: bool, reason: str
) -> Certification:
    """HR settles a flagged certification (reason required).

    keep=True: it stays held and becomes MANUAL (HR now vouches for it, so a later
    recompute treats it as prior and will not flag it again). keep=False: revoked.
    """
    reason = _clean_reason(reason)
    with transaction.atomic():
        cert = Certification.objects.select_for_update().get(pk=certification.pk)
        if cert.status != Status.FLAGGED:
            raise NotFlagged()
        cert.changed_by = by
        cert._history_user = by
        cert.reason = reason
        cert.flag_reason = ""
        if keep:
            cert.status = Status.ACTIVE
            cert.source = Source.MANUAL
            cert._change_reason = _("確認の上、認定を維持：%(reason)s") % {"reason": reason}
        else:
            cert.status = Status.REVOKED
            cert.revoked_at = timezone.now()
            cert._change_reason = _("確認の上、認定を取消：%(reason)s") % {"reason": reason}
        cert.save()
    return cert


# --- after commit ---------------------------------------------------------------------


def _enqueue_recompute(user_ids: list[int]) -> None:
    from .tasks import enqueue_recompute_users

    enqueue_recompute_users(user_ids)


def _enqueue_award_emails(certification_ids: list[int]) -> None:
    from .tasks import enqueue_award_emails

    enqueue_award_emails(certification_ids)


def send_award_emails(*, certification_ids: Iterable[int]) -> int:
    """Email each person their new certification (Japanese), over one connection.
    Runs in the `certification.send_award_emails` task (queued after commit, so a large
    recompute does not wait for mail); a mail failure is logged (ids only) and never
    undoes an award. Only still-active certifications are announced."""
    certs = list(
        Certification.objects.filter(pk__in=list(certification_ids), status=Status.ACTIVE)
        .exclude(user__email="")
        .select_related("user")
    )
    if not certs:
        return 0
    messages = []
    with translation.override("ja"):
        for cert in certs:
            context = {
                "cert": cert,
                "user": cert.user,
                "level": cert.get_level_display(),
                "year": fiscal_year_label(cert.fiscal_year),
                "site_url": settings.SITE_URL.rstrip("/"),
                "city": settings.CITY_NAME,
            }
            subject = render_to_string("certification/email/awarded_subject.txt", context)
            body = render_to_string("certification/email/awarded_body.txt", context)
            messages.append(EmailMessage(" ".join(subject.split()), body, to=[cert.user.email]))
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        logger.exception("award emails failed for certifications %s", [c.pk for c in certs])
        return 0
