"""Logging in with e-mail address and password, and logging out."""

from django.test import Client

from tests.conftest import PASSWORD, login
from vigil.accounts.models import User


def test_login_with_email_and_password(consultant_a: User) -> None:
    client = Client()

    response = client.post(
        "/accounts/login/", {"username": "consultant@a.test", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(consultant_a.pk)


def test_login_ignores_email_case(consultant_a: User) -> None:
    client = Client()

    response = client.post(
        "/accounts/login/", {"username": "Consultant@A.test", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(consultant_a.pk)


def test_login_rejects_wrong_password(consultant_a: User) -> None:
    client = Client()

    response = client.post(
        "/accounts/login/",
        {"username": "consultant@a.test", "password": "wrong-password-123"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_login_rejects_inactive_user(consultant_a: User) -> None:
    consultant_a.is_active = False
    consultant_a.save()
    client = Client()

    response = client.post(
        "/accounts/login/", {"username": "consultant@a.test", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_follows_next(consultant_a: User) -> None:
    response = Client().post(
        "/accounts/login/",
        {
            "username": "consultant@a.test",
            "password": PASSWORD,
            "next": "/c/centre-a/",
        },
    )

    assert response["Location"] == "/c/centre-a/"


def test_login_ignores_foreign_next(consultant_a: User) -> None:
    response = Client().post(
        "/accounts/login/",
        {
            "username": "consultant@a.test",
            "password": PASSWORD,
            "next": "https://attacker.test/",
        },
    )

    assert response["Location"] == "/"


def test_login_page_redirects_logged_in_user(consultant_a: User) -> None:
    response = login(consultant_a).get("/accounts/login/")

    assert response.status_code == 302


def test_logout_ends_session(consultant_a: User) -> None:
    client = login(consultant_a)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
