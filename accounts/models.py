from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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
