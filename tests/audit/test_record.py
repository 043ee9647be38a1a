"""Writing audit entries: registered actions, actors, targets and masked secrets."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.text import capfirst

from tests.conftest import PASSWORD
from vigil.accounts.models import User
from vigil.audit.actions import ACTIONS, describe
from vigil.audit.models import AuditEntry
from vigil.audit.services import MASK, mask_secrets, record
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.usefixtures("fast_password_hasher")


def test_user_created_masks_password(consultant_a: User) -> None:
    entry = AuditEntry.objects.get(action="user.created", object_id=consultant_a.pk)

    assert entry.new_values["password"] == MASK
    assert entry.new_values["email"] == "consultant@a.test"
    assert PASSWORD not in str(entry.new_values)
    assert PASSWORD not in str(entry.old_values)


@pytest.mark.parametrize(
    "key", ["password", "new_password", "client_secret", "api_key", "token", "private"]
)
def test_mask_hides_secret_keys(key: str) -> None:
    assert mask_secrets({key: "s3cr3t"}) == {key: MASK}


def test_mask_reaches_nested_values() -> None:
    masked = mask_secrets({"smtp": {"host": "mail.test", "Password": "s3cr3t"}})

    assert masked == {"smtp": {"host": "mail.test", "Password": MASK}}


def test_mask_reaches_dicts_inside_lists() -> None:
    masked = mask_secrets(
        {"accounts": [{"user": "an", "password": "s3cr3t"}, [{"secret": "x"}]]}
    )

    assert masked == {
        "accounts": [{"user": "an", "password": MASK}, [{"secret": MASK}]]
    }


def test_mask_keeps_other_values_json_safe(centre_a: Organisation) -> None:
    masked = mask_secrets(
        {
            "valid_until": datetime.date(2027, 1, 31),
            "weight": Decimal("0.5"),
            "organisation": centre_a,
            "codes": ("4.1", datetime.date(2027, 2, 1)),
            "note": "vrij",
        }
    )

    assert masked == {
        "valid_until": "2027-01-31",
        "weight": "0.5",
        "organisation": str(centre_a.pk),
        "codes": ["4.1", "2027-02-01"],
        "note": "vrij",
    }


@pytest.mark.django_db
def test_record_rejects_unregistered_action() -> None:
    with pytest.raises(ValueError, match=r"assessment\.deleted"):
        record("assessment.deleted", actor=None)

    assert not AuditEntry.objects.filter(action="assessment.deleted").exists()


def test_record_stores_actor_and_target(
    consultant_a: User, centre_a: Organisation
) -> None:
    # The label is the organisation's name in the language active at the time.
    with translation.override("nl"):
        entry = record(
            "organisation.updated",
            actor=consultant_a,
            target=centre_a,
            organisation=centre_a,
        )

    assert entry.actor == consultant_a
    assert entry.actor_label == "consultant@a.test"
    assert entry.object_type == "organisations.organisation"
    assert entry.object_id == str(centre_a.pk)
    assert entry.object_label == "OCMW centre-a"


def test_record_without_actor_is_system(centre_a: Organisation) -> None:
    entry = record("organisation.updated", actor=None, organisation=centre_a)

    assert entry.actor is None
    assert entry.actor_label == "system"
    assert entry.object_label == ""


def test_every_action_is_dotted_and_described() -> None:
    for action, text in ACTIONS.items():
        assert action.count(".") == 1, action
        assert describe(action) == capfirst(str(text))


def test_describe_unknown_action_returns_it() -> None:
    assert describe("backup.unknown") == "backup.unknown"
