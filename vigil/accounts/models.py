"""Users log in with their e-mail address; memberships give them roles."""

import datetime
from typing import Any, ClassVar

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.accounts.roles import Capability, Role, capabilities_of
from vigil.organisations.models import Organisation


class UserManager(BaseUserManager["User"]):
    def create_user(
        self, email: str, password: str | None = None, **fields: Any
    ) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, email: str, password: str | None = None, **fields: Any
    ) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in; a superuser is a platform administrator."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, on: datetime.date | None = None) -> "MembershipQuerySet":
        """Memberships in force on ``on`` (today by default)."""
        day = on or timezone.localdate()
        return self.filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day),
            user__is_active=True,
        )


class Membership(models.Model):
    """A user's role in one organisation."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Last day of access; required for auditors."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    tenant_field = "organisation"

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"

    def clean(self) -> None:
        if self.role == Role.AUDITOR and self.valid_until is None:
            raise ValidationError(
                {"valid_until": _("An auditor's membership needs an end date.")}
            )
        if self.role == Role.SUPERVISOR and self.organisation.kind != "supervisor":
            raise ValidationError(
                {
                    "role": _(
                        "The supervisor role exists only in a supervisor organisation."
                    )
                }
            )
        if self.role != Role.SUPERVISOR and self.organisation.kind == "supervisor":
            raise ValidationError(
                {
                    "role": _(
                        "The role %(role)s exists only in a centre; a member of "
                        "the supervisor organisation gets the supervisor role."
                    )
                    % {"role": self.role}
                }
            )

    @property
    def capabilities(self) -> frozenset[Capability]:
        return capabilities_of(self.role)

    def grants(self, capability: Capability) -> bool:
        return capability in self.capabilities
