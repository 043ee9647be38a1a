"""The login form's message for a wrong e-mail address or password."""

import html
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import PASSWORD
from vigil.accounts.models import User
from vigil.accounts.services import create_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

LOGIN = "/accounts/login/"
ENGLISH = (
    "The e-mail address or the password is incorrect. Upper and lower case "
    "matter in the password but not in the e-mail address."
)


def attempt(email: str, password: str, language: str = "en") -> tuple[Client, Any]:
    """Log in through the form, and return the client and the response."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(LOGIN, {"username": email, "password": password})
    return client, response


def page_text(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_message_matches_case_rules(consultant_a: User) -> None:
    # The message states that only the password's case matters: check both.
    upper_email, _page = attempt("CONSULTANT@A.TEST", PASSWORD)
    upper_password, response = attempt("consultant@a.test", PASSWORD.upper())

    assert upper_email.session["_auth_user_id"] == str(consultant_a.pk)
    assert "_auth_user_id" not in upper_password.session
    assert response.context["form"].non_field_errors() == [ENGLISH]


def test_mixed_case_address_logs_in(db: None) -> None:
    user = create_user(
        email="An.Peeters@OCMW-Demodorp.be",
        full_name="An Peeters",
        password=PASSWORD,
        actor=None,
    )

    client, _page = attempt("an.peeters@ocmw-DEMODORP.BE", PASSWORD)
    _client, rejected = attempt("an.peeters@ocmw-demodorp.be", "wrong-password-123")

    assert user.email == "an.peeters@ocmw-demodorp.be"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert ENGLISH in page_text(rejected)


@pytest.mark.parametrize(
    ("language", "message", "wrong"),
    [
        (
            "nl",
            "Het e-mailadres of het wachtwoord is onjuist. Hoofdletters en kleine "
            "letters maken verschil in het wachtwoord, maar niet in het e-mailadres.",
            "hoofdlettergevoelig",
        ),
        (
            "fr",
            "L'adresse e-mail ou le mot de passe est incorrect. Les majuscules et "
            "les minuscules comptent dans le mot de passe, mais pas dans "
            "l'adresse e-mail.",
            "un adresse",
        ),
    ],
)
def test_message_translated(
    consultant_a: User, language: str, message: str, wrong: str
) -> None:
    _client, response = attempt("consultant@a.test", "wrong-password-123", language)
    text = page_text(response)

    assert message in text
    assert wrong not in text
