"""Keyed pseudonyms of national numbers and the log keys they come from."""

import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.accesslog.factories import national_number
from vigil.accesslog.keys import ensure_log_keys, log_origin, pseudonym_key
from vigil.accesslog.models import LogKeys
from vigil.accesslog.pseudonyms import Pseudonymiser, pseudonymise
from vigil.audit.models import AuditEntry
from vigil.ledger import Ed25519Signer, Ed25519Verifier
from vigil.organisations.models import Organisation


def test_pseudonym_is_hmac_of_compact_number(centre_a: Organisation) -> None:
    number = national_number(33)
    key = pseudonym_key(ensure_log_keys(centre_a))
    expected = hmac.new(key, number.encode("ascii"), hashlib.sha256).hexdigest()
    assert pseudonymise(centre_a, number) == expected


def test_pseudonym_ignores_separators(centre_a: Organisation) -> None:
    assert pseudonymise(centre_a, "85.07.30-033.28") == pseudonymise(
        centre_a, "85073003328"
    )


def test_pseudonyms_differ_between_organisations(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    number = national_number(33)
    assert pseudonymise(centre_a, number) != pseudonymise(centre_b, number)


def test_invalid_number_rejected_without_echo(centre_a: Organisation) -> None:
    with pytest.raises(ValueError) as raised:
        pseudonymise(centre_a, "85073003399")
    assert "85073003399" not in str(raised.value)


def test_keys_created_once_and_audited(centre_a: Organisation) -> None:
    first = ensure_log_keys(centre_a)
    second = ensure_log_keys(centre_a)
    assert first.pk == second.pk
    assert LogKeys.objects.filter(organisation=centre_a).count() == 1
    assert AuditEntry.objects.filter(action="accesslog.keys_created").count() == 1


def test_keys_have_usable_signer(centre_a: Organisation) -> None:
    keys = ensure_log_keys(centre_a)
    assert keys.origin == log_origin(centre_a)
    assert keys.origin == "vigil.accesslog/0999999922/centre-a"
    signer = Ed25519Signer.from_signer_key(keys.signer_key)
    verifier = Ed25519Verifier.from_verifier_key(keys.verifier_key)
    assert signer.verifier().verifier_key() == keys.verifier_key
    assert verifier.name == keys.origin
    assert len(pseudonym_key(keys)) == 32


def test_secret_keys_not_in_audit(centre_a: Organisation) -> None:
    keys = ensure_log_keys(centre_a)
    entry = AuditEntry.objects.get(action="accesslog.keys_created")
    assert keys.signer_key not in str(entry.new_values)
    assert entry.new_values["verifier_key"] == keys.verifier_key


@given(
    key=st.binary(min_size=0, max_size=200),
    number=st.text(alphabet="0123456789", min_size=11, max_size=11),
)
@settings(max_examples=200, deadline=None, database=None)
def test_pseudonymiser_equals_hmac(key: bytes, number: str) -> None:
    """Keys shorter than, equal to and longer than the SHA-256 block."""
    expected = hmac.digest(key, number.encode("ascii"), "sha256").hex()
    assert Pseudonymiser(key).digest(number).hex() == expected


def test_pseudonymiser_reusable() -> None:
    pseudonymiser = Pseudonymiser(b"k" * 32)
    first = pseudonymiser.digest("85073000188")
    assert pseudonymiser.digest("85073000287") != first
    assert pseudonymiser.digest("85073000188") == first
