"""Typed readers of settings from environment variables."""

import os
import re
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.mail import send_mail
from django.test import override_settings

from vigil import environment as env
from vigil.environment import ConfigurationError

NAME = "VIGIL_TEST_SETTING"
REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NAME, raising=False)
    monkeypatch.delenv(f"{NAME}_FILE", raising=False)


def test_str_default_when_unset() -> None:
    assert env.read_str(NAME, "nl") == "nl"


def test_str_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "fr")

    assert env.read_str(NAME, "nl") == "fr"


@pytest.mark.parametrize("text", ["1", "true", "Yes", " ON "])
def test_bool_true_spellings(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv(NAME, text)

    assert env.read_bool(NAME, False) is True


@pytest.mark.parametrize("text", ["0", "false", "No", "off", ""])
def test_bool_false_spellings(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv(NAME, text)

    assert env.read_bool(NAME, True) is False


def test_bool_default_when_unset() -> None:
    assert env.read_bool(NAME, True) is True


def test_bool_rejects_other_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "maybe")

    with pytest.raises(ConfigurationError, match=f"{NAME}='maybe' is not a boolean"):
        env.read_bool(NAME, False)


def test_int_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "1024")

    assert env.read_int(NAME, 10) == 1024


def test_int_default_when_unset() -> None:
    assert env.read_int(NAME, 10) == 10


def test_int_rejects_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "20MB")

    with pytest.raises(ConfigurationError, match="is not a whole number"):
        env.read_int(NAME, 10)


@pytest.mark.parametrize("value", ["+5", "1_000", "-5", "\u0663", "\uff15", "5.0"])
def test_int_rejects_other_than_ascii_digits(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(NAME, value)

    with pytest.raises(ConfigurationError, match="write digits only"):
        env.read_int(NAME, 10)


def test_int_of_many_digits_above_maximum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "9" * 30)

    with pytest.raises(ConfigurationError, match="is above the maximum of 100"):
        env.read_int(NAME, 10, maximum=100)


def test_int_accepts_surrounding_spaces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, " 30\n")

    assert env.read_int(NAME, 10) == 30


def test_int_rejects_below_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "0")

    with pytest.raises(ConfigurationError, match="below the minimum of 1") as raised:
        env.read_int(NAME, 10, minimum=1)

    assert str(raised.value).endswith("use a whole number of 1 or more, e.g. 10")


def test_int_rejects_above_maximum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "101")

    with pytest.raises(ConfigurationError, match="above the maximum of 100") as raised:
        env.read_int(NAME, 10, minimum=1, maximum=100)

    assert str(raised.value).startswith(f"{NAME}=101 ")
    assert str(raised.value).endswith("use a whole number from 1 to 100, e.g. 10")


def test_int_accepts_maximum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "100")

    assert env.read_int(NAME, 10, maximum=100) == 100


def test_list_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, " pdf, ,odt ,")

    assert env.read_list(NAME, ["txt"]) == ["pdf", "odt"]


def test_list_default_is_a_copy() -> None:
    default = ["txt"]

    value = env.read_list(NAME, default)
    value.append("exe")

    assert default == ["txt"]


def test_choice_default_when_unset() -> None:
    assert env.read_choice(NAME, "nl", ["nl", "fr"]) == "nl"


def test_choice_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "fr")

    assert env.read_choice(NAME, "nl", ["nl", "fr"]) == "fr"


def test_choice_rejects_other_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "de")

    with pytest.raises(ConfigurationError, match=f"{NAME}='de' is invalid") as info:
        env.read_choice(NAME, "nl", ["nl", "fr"])

    assert "use one of nl, fr" in str(info.value)


def test_month_day_default_when_unset() -> None:
    assert env.read_month_day(NAME, "03-31") == "03-31"


def test_month_day_is_zero_padded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, " 6-30 ")

    assert env.read_month_day(NAME, "03-31") == "06-30"


@pytest.mark.parametrize("text", ["13-01", "04-31", "02-29", "30/06", "June", ""])
def test_month_day_rejects_bad_day(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv(NAME, text)

    with pytest.raises(ConfigurationError, match="is not a day of the year"):
        env.read_month_day(NAME, "03-31")


def test_path_is_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(NAME, "data")

    assert env.read_path(NAME, Path("/unused")) == tmp_path.resolve() / "data"


def test_path_blank_means_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(NAME, "  ")

    assert env.read_path(NAME, tmp_path) == tmp_path.resolve()


def test_file_variant_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-file\n", encoding="utf-8")
    monkeypatch.setenv(NAME, "from-environment")
    monkeypatch.setenv(f"{NAME}_FILE", str(secret))

    assert env.read_str(NAME, "default") == "from-file"


def test_unreadable_file_variant_raises(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(f"{NAME}_FILE", str(tmp_path / "missing"))

    with pytest.raises(ConfigurationError, match=f"{NAME}_FILE="):
        env.read_str(NAME, "default")


def test_secret_key_from_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(NAME, "configured-key")

    assert env.read_secret_key(NAME, tmp_path) == "configured-key"
    assert not (tmp_path / "secret_key").exists()


def test_secret_key_generated_once(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"

    first = env.read_secret_key(NAME, data_dir)
    second = env.read_secret_key(NAME, data_dir)
    mode = stat.S_IMODE((data_dir / "secret_key").stat().st_mode)

    assert len(first) >= 50
    assert second == first
    assert mode == 0o600


def test_database_default_is_sqlite(tmp_path: Path) -> None:
    database = env.read_database(NAME, tmp_path / "vigil.sqlite3")

    assert database == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "vigil.sqlite3"),
    }


def test_database_sqlite_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "sqlite:///srv/vigil/vigil.db")

    database = env.read_database(NAME, Path("/unused"))

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == "/srv/vigil/vigil.db"


def test_database_postgresql_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "postgresql://vigil:p%40ss@db.local:5433/vigil_prod")

    database = env.read_database(NAME, Path("/unused"))

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "vigil_prod"
    assert database["USER"] == "vigil"
    assert database["PASSWORD"] == "p@ss"
    assert database["HOST"] == "db.local"
    assert database["PORT"] == "5433"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite:///", "names no database file"),
        ("postgresql://db.local:5432/", "names no database"),
        ("mysql://db.local/vigil", "unsupported scheme 'mysql'"),
    ],
)
def test_database_rejects_bad_url(
    monkeypatch: pytest.MonkeyPatch, url: str, message: str
) -> None:
    monkeypatch.setenv(NAME, url)

    with pytest.raises(ConfigurationError, match=message):
        env.read_database(NAME, Path("/unused"))


def test_static_files_are_found() -> None:
    assert finders.find("vigil/vigil.css") is not None
    assert finders.find("htmx/htmx.min.js") is not None


def test_env_example_lists_every_setting() -> None:
    settings_source = (REPOSITORY / "vigil" / "settings.py").read_text(encoding="utf-8")
    example = (REPOSITORY / ".env.example").read_text(encoding="utf-8")
    read = set(re.findall(r"env\.read_\w+\(\s*\"([A-Z_]+)\"", settings_source))
    for prefix in re.findall(r"env\.read_mailer\(\s*\"([A-Z_]+)\"", settings_source):
        read.remove(prefix)
        read |= {f"{prefix}_{name}" for name in env.MAILER_VARIABLES}
    listed = set(re.findall(r"^#? ?([A-Z][A-Z_]+)=", example, re.MULTILINE))

    assert "VIGIL_DATA_DIR" in read
    assert sorted(read - listed) == []


def settings_of_command(**environment: str) -> str:
    """Return ``vigil diffsettings`` run with ``environment`` added."""
    vigil = Path(sys.executable).with_name("vigil")
    result = subprocess.run(
        [str(vigil), "diffsettings"],
        capture_output=True,
        text=True,
        env={**os.environ, **environment},
        timeout=60,
        check=True,
    )
    return result.stdout


def test_cli_language_defaults_to_english(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("VIGIL_CLI_LANGUAGE", raising=False)

    shown = settings_of_command(VIGIL_DATA_DIR=str(tmp_path))

    assert "VIGIL_CLI_LANGUAGE = 'en'" in shown


def test_api_body_limit_from_environment(tmp_path: Path) -> None:
    shown = settings_of_command(
        VIGIL_DATA_DIR=str(tmp_path), VIGIL_ACCESSLOG_API_MAX_BYTES="2048"
    )

    assert "VIGIL_ACCESSLOG_API_MAX_BYTES = 2048" in shown


@pytest.mark.parametrize(
    ("name", "value", "maximum"),
    [
        ("VIGIL_ACCESSLOG_RETENTION_DAYS", "1000000", "365000"),
        ("VIGIL_CHECKPOINT_INTERVAL_SECONDS", "100000000000000", "31536000000"),
    ],
)
def test_access_log_periods_have_maximum(
    tmp_path: Path, name: str, value: str, maximum: str
) -> None:
    # Larger periods overflow datetime arithmetic, so the process must stop
    # at start-up rather than in ingestion, expiry or a proof.
    vigil = Path(sys.executable).with_name("vigil")
    result = subprocess.run(
        [str(vigil), "diffsettings"],
        capture_output=True,
        text=True,
        env={**os.environ, "VIGIL_DATA_DIR": str(tmp_path), name: value},
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert f"{name}={value} is above the maximum of {maximum}" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_language_from_environment(tmp_path: Path) -> None:
    shown = settings_of_command(VIGIL_DATA_DIR=str(tmp_path), VIGIL_CLI_LANGUAGE="fr")

    assert "VIGIL_CLI_LANGUAGE = 'fr'" in shown


SMTP = "django.core.mail.backends.smtp.EmailBackend"


def set_mailer(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    """Set the variables VIGIL_TEST_MAIL_<name> and clear the other ones."""
    for name in env.MAILER_VARIABLES:
        monkeypatch.delenv(f"VIGIL_TEST_MAIL_{name}", raising=False)
        monkeypatch.delenv(f"VIGIL_TEST_MAIL_{name}_FILE", raising=False)
    for name, value in values.items():
        monkeypatch.setenv(f"VIGIL_TEST_MAIL_{name}", value)


def test_mailer_default_backend_without_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    set_mailer(monkeypatch)

    mailer = env.read_mailer("VIGIL_TEST_MAIL", "console.Backend")

    assert mailer == {"BACKEND": "console.Backend"}


def test_mailer_smtp_defaults_to_starttls(monkeypatch: pytest.MonkeyPatch) -> None:
    set_mailer(monkeypatch, BACKEND=SMTP, HOST="smtp.example.org")

    mailer = env.read_mailer("VIGIL_TEST_MAIL", "console.Backend")

    assert mailer == {
        "BACKEND": SMTP,
        "OPTIONS": {
            "host": "smtp.example.org",
            "port": 587,
            "use_tls": True,
            "use_ssl": False,
            "timeout": 30,
        },
    }


def test_mailer_smtp_tls_with_login(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    password = tmp_path / "password"
    password.write_text("s3cret\n", encoding="utf-8")
    set_mailer(
        monkeypatch,
        BACKEND=SMTP,
        HOST="smtp.example.org",
        SECURITY="tls",
        USER="vigil@example.org",
        PASSWORD_FILE=str(password),
    )

    options = env.read_mailer("VIGIL_TEST_MAIL", "console.Backend")["OPTIONS"]

    assert options == {
        "host": "smtp.example.org",
        "port": 465,
        "use_tls": False,
        "use_ssl": True,
        "timeout": 30,
        "username": "vigil@example.org",
        "password": "s3cret",
    }


def test_mailer_smtp_needs_host(monkeypatch: pytest.MonkeyPatch) -> None:
    set_mailer(monkeypatch, BACKEND=SMTP)

    with pytest.raises(
        ConfigurationError, match="needs the mail server in VIGIL_TEST_MAIL_HOST"
    ):
        env.read_mailer("VIGIL_TEST_MAIL", "console.Backend")


def test_mailer_smtp_rejects_unknown_security(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    set_mailer(monkeypatch, BACKEND=SMTP, HOST="smtp.example.org", SECURITY="ssl")

    with pytest.raises(
        ConfigurationError, match="VIGIL_TEST_MAIL_SECURITY='ssl' is invalid"
    ):
        env.read_mailer("VIGIL_TEST_MAIL", "console.Backend")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"USER": "vigil"}, "VIGIL_TEST_MAIL_USER is set but VIGIL_TEST_MAIL_PASSWORD"),
        (
            {"PASSWORD": "s3cret"},
            "VIGIL_TEST_MAIL_PASSWORD is set but VIGIL_TEST_MAIL_USER",
        ),
        (
            {"USER": "vigil", "PASSWORD": "s3cret", "SECURITY": "none"},
            "VIGIL_TEST_MAIL_SECURITY=none would send the password",
        ),
        ({"PORT": "70000"}, "VIGIL_TEST_MAIL_PORT=70000 is not a TCP port"),
    ],
)
def test_mailer_smtp_rejects_unsafe_login(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, str], message: str
) -> None:
    set_mailer(monkeypatch, BACKEND=SMTP, HOST="smtp.example.org", **values)

    with pytest.raises(ConfigurationError, match=message):
        env.read_mailer("VIGIL_TEST_MAIL", "console.Backend")


def test_smtp_mail_reaches_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mail sent with the SMTP settings reaches a server on 127.0.0.1."""
    received: list[bytes] = []
    server = socket.create_server(("127.0.0.1", 0))
    # A send that fails before it connects must not leave the thread waiting.
    server.settimeout(10)
    port = server.getsockname()[1]
    thread = threading.Thread(
        target=serve_one_mail, args=(server, received), daemon=True
    )
    thread.start()
    set_mailer(
        monkeypatch,
        BACKEND=SMTP,
        HOST="127.0.0.1",
        PORT=str(port),
        SECURITY="none",
    )
    mailer = env.read_mailer("VIGIL_TEST_MAIL", "console.Backend")

    with override_settings(MAILERS={"default": mailer}):
        sent = send_mail("Subject", "Body", "vigil@localhost", ["a@example.org"])

    thread.join(timeout=10)
    server.close()
    assert sent == 1
    assert b"Subject: Subject" in b"".join(received)


def serve_one_mail(server: socket.socket, received: list[bytes]) -> None:
    """Serve one SMTP session on ``server`` and keep the message's data."""
    connection, _address = server.accept()
    with connection, connection.makefile("rwb") as stream:
        stream.write(b"220 test ESMTP\r\n")
        stream.flush()
        in_data = False
        for line in stream:
            if in_data:
                if line == b".\r\n":
                    in_data = False
                    stream.write(b"250 queued\r\n")
                else:
                    received.append(line)
            elif line.upper().startswith(b"DATA"):
                in_data = True
                stream.write(b"354 go ahead\r\n")
            elif line.upper().startswith(b"QUIT"):
                stream.write(b"221 bye\r\n")
                stream.flush()
                return
            else:
                stream.write(b"250 ok\r\n")
            stream.flush()
