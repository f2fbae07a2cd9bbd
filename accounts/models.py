from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .exceptions import AuditLogIsAppendOnly
from .roles import Role

katakana = RegexValidator(r"^[ァ-ヶー・　 ]*$", _("フリガナは全角カタカナで入力してください。"))


class Grade(models.IntegerChoices):
    """職位 as an ordered ladder, so that 「係長以下」 is `grade <= Grade.KAKARICHO`."""

    SHUJI = 1, _("主事・技師")
    SHUNIN = 2, _("主任")
    KAKARICHO = 3, _("係長")
    KACHO_HOSA = 4, _("課長補佐")
    KACHO = 5, _("課長")
    BUCHO = 6, _("部長")
    SHICHO = 7, _("副市長・市長")


class DepartmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Department(models.Model):
    """An organisational unit: 部 → 課 → 係."""

    code = models.CharField(_("所属コード"), max_length=20, unique=True)
    name = models.CharField(_("所属名"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位所属"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_active = models.BooleanField(_("有効"), default=True)
    history = HistoricalRecords()

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("所属")
        verbose_name_plural = _("所属")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="department_not_own_parent"
            )
        ]

    def __str__(self):
        return self.name


class UserQuerySet(models.QuerySet):
    def in_role(self, role: str):
        return self.filter(groups__name=role)

    def with_profile(self):
        return self.select_related("department").prefetch_related("groups")


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    def _create_user(self, employee_number, email, password, **extra_fields):
        email = self.normalize_email(email)
        user = self.model(employee_number=employee_number or None, email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, employee_number=None, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(employee_number, email, password, **extra_fields)

    def create_superuser(self, employee_number=None, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(employee_number, email, password, **extra_fields)


class User(AbstractUser):
    """A person who uses the portal: city staff (with a 職員番号) or an external expert.

    Staff log in with their 職員番号 or e-mail; external experts, who are not city
    employees and have no department, log in with e-mail and carry their company
    (所属会社) instead.
    """

    username = None
    employee_number = models.CharField(
        _("職員番号"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9A-Za-z-]+$", _("職員番号は半角英数字で入力してください。"))
        ],
    )
    first_name = models.CharField(_("名"), max_length=50, blank=True)
    last_name = models.CharField(_("姓"), max_length=50, blank=True)
    first_name_kana = models.CharField(_("メイ"), max_length=50, blank=True, validators=[katakana])
    last_name_kana = models.CharField(_("セイ"), max_length=50, blank=True, validators=[katakana])
    department = models.ForeignKey(
        Department,
        verbose_name=_("所属"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    grade = models.PositiveSmallIntegerField(
        _("職位"), choices=Grade.choices, null=True, blank=True
    )
    affiliation = models.CharField(
        _("所属会社"), max_length=100, blank=True, help_text=_("外部専門家のみ")
    )
    local_login_allowed = models.BooleanField(
        _("パスワードでのログインを許可"),
        default=False,
        help_text=_(
            "庁内アカウントでのログインが設定されているとき（LOCAL_LOGIN=listed）、"
            "ポータルのパスワードでログインできるのはこの欄がオンの人だけです"
            "（外部専門家・緊急用アカウント）。"
        ),
    )
    #: The day the person left (退職・離職): set when the roster or HR deactivates them;
    #: the retention period of their personal data counts from it (decision 0023).
    left_on = models.DateField(_("退職日"), null=True, blank=True)
    #: When their personal data beyond the certification was anonymised (never undone).
    anonymised_at = models.DateTimeField(_("匿名化日時"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    USERNAME_FIELD = "employee_number"
    REQUIRED_FIELDS = ["email"]

    objects = UserManager()

    class Meta:
        verbose_name = _("職員")
        verbose_name_plural = _("職員")
        ordering = ["last_name_kana", "first_name_kana", "employee_number"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_email_unique_ci"
            ),
            models.CheckConstraint(
                condition=~models.Q(employee_number__isnull=True, email=""),
                name="user_has_login_id",
                violation_error_message=_("職員番号かメールアドレスのどちらかが必要です。"),
            ),
        ]
        indexes = [models.Index(fields=["last_name_kana", "first_name_kana"])]

    def __str__(self):
        return self.full_name or self.email or (self.employee_number or "")

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def full_name_kana(self) -> str:
        return f"{self.last_name_kana} {self.first_name_kana}".strip()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.last_name

    @property
    def role_names(self) -> set[str]:
        """Names of the person's roles; uses prefetched groups when present."""
        if not hasattr(self, "_role_names"):
            self._role_names = {g.name for g in self.groups.all()}
        return self._role_names

    def has_role(self, role: str) -> bool:
        return self.is_active and role in self.role_names

    @property
    def roles(self) -> list[Role]:
        return [r for r in Role if r.value in self.role_names]


def role_group(role: Role) -> Group:
    return Group.objects.get(name=role.value)


# --- 操作ログ: the audit log of privileged operations ------------------------------------


class AuditAction(models.TextChoices):
    """What a privileged operation did. Add new members at the end; values are stored."""

    CERTIFICATION_APPROVE = "certification_approve", _("認定の承認（決裁）")
    CERTIFICATION_REJECT = "certification_reject", _("認定の却下")
    CERTIFICATION_GRANT = "certification_grant", _("認定の付与")
    CERTIFICATION_REVOKE = "certification_revoke", _("認定の取消")
    MEETING_REOPEN = "meeting_reopen", _("報告会の再開")
    WINDOW_REOPEN = "window_reopen", _("リーダーシップ評価期間の再開")
    ROLE_CHANGE = "role_change", _("役割・権限の変更")
    ROSTER_IMPORT = "roster_import", _("職員名簿の取込")
    MEETING_CLOSE = "meeting_close", _("報告会の締切")
    WINDOW_CLOSE = "window_close", _("リーダーシップ評価期間の締切")
    EXPORT = "export", _("データの出力")
    CERTIFICATE_PDF = "certificate_pdf", _("認定証PDFの取得（本人以外）")
    REOPEN = "reopen", _("締切後の再開（その他）")
    TRANSFER = "transfer", _("人事異動（所属の変更）")
    NAME_CHANGE = "name_change", _("氏名の変更")
    ANONYMISE = "anonymise", _("退職者の個人情報の匿名化")
    CERTIFICATE_REISSUE = "certificate_reissue", _("認定証の再発行")
    MEMBERSHIP_LEAVE = "membership_leave", _("メンバーの休止の記録")
    MEMBERSHIP_END = "membership_end", _("メンバーの途中終了の記録")
    LEADER_CHANGE = "leader_change", _("リーダーの交代")
    TRAINING_VERIFY = "training_verify", _("研修・資格の確認")
    TRAINING_RETURN = "training_return", _("研修・資格の差戻し")
    SHOWCASE_PUBLISH = "showcase_publish", _("発表会への事例の公開")
    SHOWCASE_UNPUBLISH = "showcase_unpublish", _("発表会の事例の非公開")
    ADOPTION_STATUS = "adoption_status", _("横展開の導入状況の更新")
    HEAD_CONSENT = "head_consent", _("所属長の承認")
    HEAD_DECLINE = "head_decline", _("所属長の不承認")
    MEMBERSHIP_APPROVE = "membership_approve", _("参加申請の承認")
    MEMBERSHIP_REJECT = "membership_reject", _("参加申請の却下")
    TEAM_APPROVE = "team_approve", _("チームの承認")
    TEAM_REJECT = "team_reject", _("チームの却下")
    MEMBERSHIP_LEAVE_END = "membership_leave_end", _("メンバーの休止の終了日の記録")


class AuditEntryQuerySet(models.QuerySet):
    """Append-only: the application never updates or deletes an entry in bulk either."""

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("update")

    def delete(self):
        raise AuditLogIsAppendOnly("delete")


class AuditEntry(models.Model):
    """One privileged operation: who, when, from which address, what, on what.

    Written only by `accounts.audit.audit_record`. Append-only: no `save()` of an
    existing row, no `delete()`, no bulk update/delete; on PostgreSQL a trigger refuses
    UPDATE and DELETE even from raw SQL (migration 0003). The actor's login id is copied
    so the entry still says who it was if the account is later renamed.
    """

    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        User,
        verbose_name=_("操作者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        help_text=_("空欄はシステム（自動処理）"),
    )
    actor_login = models.CharField(_("操作者のログインID"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("接続元アドレス"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=40, choices=AuditAction.choices)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("対象の種類"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target_id = models.CharField(_("対象ID"), max_length=64, blank=True)
    target_repr = models.CharField(_("対象"), max_length=200, blank=True)
    detail = models.JSONField(_("詳細"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("操作ログ")
        verbose_name_plural = _("操作ログ")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["action", "at"]),
            models.Index(fields=["actor", "at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.actor_login or '—'} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly("save of an existing entry")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("delete")


# A person's dated career records live in their own module (issue #14).
from .career_models import DepartmentAssignment, NameChange  # noqa: E402, F401
