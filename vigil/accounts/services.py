"""Creating users and granting them roles in organisations."""

import datetime
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.models import Membership, User
from vigil.accounts.roles import Role
from vigil.audit.services import record
from vigil.organisations.models import Organisation


@transaction.atomic
def create_user(
    *, email: str, full_name: str, password: str, actor: Any, is_superuser: bool = False
) -> User:
    """Create a user after checking the e-mail address and the password policy."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("“%(value)s” is not an e-mail address.") % {"value": email}}
        ) from None
    if User.objects.filter(email=email).exists():
        raise ValidationError(
            {"email": _("A user with e-mail %(value)s exists.") % {"value": email}}
        )
    candidate = User(email=email, full_name=full_name)
    try:
        validate_password(password, candidate)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user = User.objects.create_user(
        email,
        password,
        full_name=full_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    record(
        "user.created",
        actor=actor,
        target=user,
        new={"email": email, "password": password},
    )
    return user


@transaction.atomic
def grant_membership(
    *,
    user: User,
    organisation: Organisation,
    role: str,
    actor: Any,
    valid_until: datetime.date | None = None,
) -> Membership:
    """Give ``user`` a role in ``organisation``, replacing any earlier role there."""
    if role not in Role.values:
        raise ValidationError(
            {
                "role": _("Unknown role “%(value)s”; use one of: %(roles)s.")
                % {"value": role, "roles": ", ".join(Role.values)}
            }
        )
    if valid_until is not None and valid_until < timezone.localdate():
        raise ValidationError(
            {
                "valid_until": _(
                    "The end date %(value)s has passed; give today or a later date."
                )
                % {"value": valid_until.isoformat()}
            }
        )
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    old = (
        {"role": membership.role, "valid_until": membership.valid_until}
        if membership
        else {}
    )
    membership = membership or Membership(user=user, organisation=organisation)
    membership.role = role
    membership.valid_until = valid_until
    membership.full_clean(exclude=["user", "organisation"])
    membership.save()
    record(
        "membership.changed" if old else "membership.granted",
        actor=actor,
        target=membership,
        organisation=organisation,
        old=old,
        new={"user": user.email, "role": role, "valid_until": valid_until},
    )
    return membership
