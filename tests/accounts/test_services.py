"""Creating users and granting memberships, with their checks and audit entries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tests.conftest import PASSWORD, make_person
from vigil.accounts.models import Membership, User
from vigil.accounts.roles import Role
from vigil.accounts.services import create_user, grant_membership
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation


@pytest.mark.django_db
def test_create_user_normalises_email() -> None:
    user = create_user(
        email="  An.Peeters@Example.BE ", full_name="An", password=PASSWORD, actor=None
    )

    assert user.email == "an.peeters@example.be"
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_create_user_hashes_with_argon2() -> None:
    user = create_user(email="x@a.test", full_name="X", password=PASSWORD, actor=None)

    assert user.password.startswith("argon2$")
    assert PASSWORD not in user.password


@pytest.mark.django_db
def test_create_user_rejects_invalid_email() -> None:
    with pytest.raises(ValidationError) as raised:
        create_user(
            email="not-an-address", full_name="X", password=PASSWORD, actor=None
        )

    assert "email" in raised.value.message_dict
    assert not User.objects.exists()


def test_create_user_rejects_duplicate_email(consultant_a: User) -> None:
    with pytest.raises(ValidationError) as raised:
        create_user(
            email="CONSULTANT@a.test", full_name="X", password=PASSWORD, actor=None
        )

    assert "email" in raised.value.message_dict
    assert User.objects.filter(email="consultant@a.test").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["short", "123456789012", "password1234"])
def test_create_user_rejects_weak_password(password: str) -> None:
    with pytest.raises(ValidationError) as raised:
        create_user(email="x@a.test", full_name="X", password=password, actor=None)

    assert "password" in raised.value.message_dict
    assert not User.objects.exists()


@pytest.mark.django_db
def test_create_user_records_entry_without_password() -> None:
    user = create_user(email="x@a.test", full_name="X", password=PASSWORD, actor=None)
    entry = AuditEntry.objects.get(action="user.created")

    assert entry.object_id == str(user.pk)
    assert entry.new_values["password"] == "********"
    assert PASSWORD not in str(entry.new_values)


def test_grant_rejects_unknown_role(consultant_a: User, centre_b: Organisation) -> None:
    with pytest.raises(ValidationError) as raised:
        grant_membership(
            user=consultant_a, organisation=centre_b, role="owner", actor=None
        )

    assert "role" in raised.value.message_dict
    assert not Membership.objects.filter(organisation=centre_b).exists()


def test_grant_auditor_needs_end_date(centre_a: Organisation) -> None:
    with pytest.raises(ValidationError) as raised:
        make_person("auditor@a.test", centre_a, Role.AUDITOR)

    assert "valid_until" in raised.value.message_dict


def test_grant_supervisor_only_in_supervisor_org(centre_a: Organisation) -> None:
    with pytest.raises(ValidationError) as raised:
        make_person("supervisor@a.test", centre_a, Role.SUPERVISOR)

    assert "role" in raised.value.message_dict


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.VIEWER, Role.MANAGEMENT])
def test_grant_centre_role_not_in_supervisor_org(
    supervisor_org: Organisation, role: str
) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        make_person("staff@pod-mi.test", supervisor_org, role)

    message = raised.value.message_dict["role"][0]
    assert message.startswith(f"The role {role} exists only in a centre")
    assert not Membership.objects.filter(organisation=supervisor_org).exists()


def test_grant_replaces_earlier_role(
    viewer_a: User, centre_a: Organisation, consultant_a: User
) -> None:
    grant_membership(
        user=viewer_a, organisation=centre_a, role=Role.DEPUTY, actor=consultant_a
    )
    entry = AuditEntry.objects.get(action="membership.changed")

    assert Membership.objects.get(user=viewer_a).role == Role.DEPUTY
    assert Membership.objects.filter(user=viewer_a).count() == 1
    assert entry.old_values["role"] == Role.VIEWER
    assert entry.new_values["role"] == Role.DEPUTY
    assert entry.actor == consultant_a


def test_active_memberships_include_last_day(centre_a: Organisation) -> None:
    today = timezone.localdate()
    make_person("today@a.test", centre_a, Role.AUDITOR, until=today)
    lapsed = make_person("yesterday@a.test", centre_a, Role.AUDITOR, until=today)
    Membership.objects.filter(user=lapsed).update(
        valid_until=today - datetime.timedelta(days=1)
    )

    active = Membership.objects.active().values_list("user__email", flat=True)

    assert "today@a.test" in active
    assert "yesterday@a.test" not in active


def test_grant_rejects_past_end_date(centre_a: Organisation) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as caught:
        make_person("late@a.test", centre_a, Role.AUDITOR, until=yesterday)

    assert "valid_until" in caught.value.message_dict
    assert not Membership.objects.filter(user__email="late@a.test").exists()


def test_active_memberships_skip_inactive_users(consultant_a: User) -> None:
    consultant_a.is_active = False
    consultant_a.save()

    assert not Membership.objects.active().filter(user=consultant_a).exists()
