"""The capabilities each role grants."""

import pytest

from vigil.accounts.roles import ROLE_CAPABILITIES, Capability, Role, capabilities_of

EVERY = set(Capability)

EXPECTED = {
    Role.CONSULTANT: EVERY,
    Role.DEPUTY: EVERY,
    Role.MANAGEMENT: {
        Capability.VIEW,
        Capability.REOPEN_ASSESSMENT,
        Capability.VIEW_AUDIT_TRAIL,
        Capability.VIEW_ACCESS_LOG,
        Capability.RECORD_DECISIONS,
    },
    Role.VIEWER: {Capability.VIEW},
    Role.AUDITOR: {Capability.VIEW, Capability.VIEW_ACCESS_LOG},
    Role.SUPERVISOR: {Capability.VIEW},
}


@pytest.mark.parametrize("role", list(Role))
def test_role_grants_expected_capabilities(role: Role) -> None:
    assert capabilities_of(role) == EXPECTED[role]


def test_every_role_is_defined() -> None:
    assert set(ROLE_CAPABILITIES) == set(Role)


def test_unknown_role_grants_nothing() -> None:
    assert capabilities_of("owner") == frozenset()
