"""Revoking an API token: the confirmation page, then the revocation."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from vigil.accesslog.models import ApiToken
from vigil.accesslog.tokens import authenticate, create_token, revoke_token
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def revoke_url(token: ApiToken) -> str:
    kwargs = {"org": token.organisation.slug, "pk": token.pk}
    return reverse("accesslog:token_revoke", kwargs=kwargs)


def client_in(user: User, language: str = "en") -> Client:
    client = login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_confirm_then_revoke(consultant_a: User, centre_a: Organisation) -> None:
    token, secret = create_token(centre_a, "syslog relay", actor=consultant_a)
    client = client_in(consultant_a)

    page = client.get(revoke_url(token))

    body = page.content.decode()
    assert page.status_code == 200
    assert "Revoke the token “syslog relay”?" in body
    assert f"{token.prefix}…" in body
    assert "can no longer send access events" in body
    assert 'data-testid="revoke-form"' in body
    assert authenticate(f"Bearer {secret}") is not None

    response = client.post(revoke_url(token))

    assert response.status_code == 302
    assert authenticate(f"Bearer {secret}") is None


def test_registers_token_effect(consultant_a: User, centre_a: Organisation) -> None:
    token, _secret = create_token(
        centre_a, "cmdb", actor=None, scope=ApiToken.Scope.REGISTERS
    )

    body = client_in(consultant_a).get(revoke_url(token)).content.decode()

    assert "can no longer read or change the registers" in body


def test_list_links_to_confirmation(consultant_a: User, centre_a: Organisation) -> None:
    token, _secret = create_token(centre_a, "syslog relay", actor=None)
    tokens = reverse("accesslog:tokens", kwargs={"org": centre_a.slug})

    body = client_in(consultant_a).get(tokens).content.decode()

    assert f'href="{revoke_url(token)}"' in body
    assert f'action="{revoke_url(token)}"' not in body


def test_revoked_token_has_no_button(
    consultant_a: User, centre_a: Organisation
) -> None:
    token, _secret = create_token(centre_a, "old", actor=None)
    revoke_token(token, actor=None)

    body = client_in(consultant_a).get(revoke_url(token)).content.decode()

    assert 'data-testid="token-revoked"' in body
    assert 'data-testid="revoke-form"' not in body


def test_confirmation_permissions(
    management_a: User, consultant_b: User, centre_a: Organisation
) -> None:
    token, _secret = create_token(centre_a, "syslog relay", actor=None)

    assert client_in(management_a).get(revoke_url(token)).status_code == 403
    assert client_in(consultant_b).get(revoke_url(token)).status_code == 404


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("nl", "Het token “syslog relay” intrekken?"),
        ("fr", "Révoquer le jeton «\u00a0syslog relay\u00a0»\u00a0?"),
    ],
)
def test_confirmation_translated(
    consultant_a: User, centre_a: Organisation, language: str, question: str
) -> None:
    token, _secret = create_token(centre_a, "syslog relay", actor=None)

    body = client_in(consultant_a, language).get(revoke_url(token)).content.decode()

    assert question in body


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The token “syslog relay” was already revoked on "),
        ("nl", "Token “syslog relay” was al ingetrokken op "),
        ("fr", "Le jeton «\u00a0syslog relay\u00a0» était déjà révoqué le "),
    ],
)
def test_second_revoke_changes_nothing(
    consultant_a: User, centre_a: Organisation, language: str, expected: str
) -> None:
    token, _secret = create_token(centre_a, "syslog relay", actor=consultant_a)
    client = client_in(consultant_a, language)
    first = client.post(revoke_url(token), follow=True)
    assert len(first.context["messages"]) == 1
    token.refresh_from_db()
    assert token.revoked_at is not None
    when = timezone.localtime(token.revoked_at).strftime("%Y-%m-%d %H:%M")

    response = client.post(revoke_url(token), follow=True)

    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1
    assert shown[0].startswith(expected + when)
    revoked_again = ApiToken.objects.get(pk=token.pk).revoked_at
    assert revoked_again == token.revoked_at
    audited = AuditEntry.objects.filter(action="accesslog.token_revoked")
    assert audited.count() == 1
