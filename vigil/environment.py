"""Typed readers for settings that come from environment variables.

Each reader names the variable, the value it found and what it expects, so a
mistyped setting stops the process at start-up instead of misbehaving later.
A variable ``NAME_FILE`` may point to a file that holds the value of ``NAME``
(for secrets kept out of the process environment).
"""

import datetime
import os
from pathlib import Path

from vigil.integers import ascii_integer

# The digits that a whole-number setting may have.
SETTING_MAX_DIGITS = 100


class ConfigurationError(Exception):
    """A setting from the environment is missing or invalid."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigurationError(
                f"{name}_FILE={file_name!r} cannot be read ({error.strerror}); "
                "point it to a readable file or unset it"
            ) from error
    return os.environ.get(name)


def read_str(name: str, default: str) -> str:
    """Return the variable's text, or ``default`` when it is unset."""
    value = _raw(name)
    return default if value is None else value


def read_bool(name: str, default: bool) -> bool:
    """Return the variable as a boolean (1/0, true/false, yes/no, on/off)."""
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(
        f"{name}={value!r} is not a boolean; use one of 1, 0, true, false, yes, no"
    )


def read_int(
    name: str, default: int, *, minimum: int = 0, maximum: int | None = None
) -> int:
    """Return the variable as an integer from ``minimum`` to ``maximum``."""
    value = _raw(name)
    if value is None:
        return default
    # Only the ASCII digits: int() would also take a sign, underscores and
    # the digits of other scripts, which the message rules out. A long number
    # is reported against the maximum, not as text.
    number = ascii_integer(value.strip(), max_digits=SETTING_MAX_DIGITS)
    if number is None:
        raise ConfigurationError(
            f"{name}={value!r} is not a whole number; write digits only, e.g. {default}"
        )
    if number < minimum:
        raise ConfigurationError(
            f"{name}={number} is below the minimum of {minimum}; "
            f"{_int_range(minimum, maximum)}, e.g. {default}"
        )
    if maximum is not None and number > maximum:
        raise ConfigurationError(
            f"{name}={number} is above the maximum of {maximum}; "
            f"{_int_range(minimum, maximum)}, e.g. {default}"
        )
    return number


def _int_range(minimum: int, maximum: int | None) -> str:
    if maximum is None:
        return f"use a whole number of {minimum} or more"
    return f"use a whole number from {minimum} to {maximum}"


def read_choice(name: str, default: str, choices: list[str]) -> str:
    """Return the variable's text after checking that it is one of ``choices``."""
    value = _raw(name)
    if value is None:
        return default
    if value not in choices:
        raise ConfigurationError(
            f"{name}={value!r} is invalid; use one of {', '.join(choices)}"
        )
    return value


def read_month_day(name: str, default: str) -> str:
    """Return the variable as a day of the year written MM-DD, e.g. 03-31.

    February 29 is rejected because the day must exist in every year.
    """
    value = _raw(name)
    if value is None:
        return default
    text = value.strip()
    try:
        month, day = (int(part) for part in text.split("-"))
        datetime.date(2001, month, day)
    except ValueError:
        raise ConfigurationError(
            f"{name}={value!r} is not a day of the year; "
            "write MM-DD for a day that every year has, e.g. 03-31"
        ) from None
    return f"{month:02d}-{day:02d}"


def read_list(name: str, default: list[str]) -> list[str]:
    """Return the variable as a comma-separated list with blanks dropped."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def read_path(name: str, default: Path) -> Path:
    """Return the variable as an absolute path."""
    value = _raw(name)
    if value is None or not value.strip():
        return default.resolve()
    return Path(value).expanduser().resolve()


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
SMTP_SECURITY = ["starttls", "tls", "none"]
MAX_PORT = 65535
# The variables that read_mailer reads, after its prefix and an underscore.
MAILER_VARIABLES = (
    "BACKEND",
    "HOST",
    "PORT",
    "SECURITY",
    "USER",
    "PASSWORD",
    "TIMEOUT",
)


def read_mailer(prefix: str, default_backend: str) -> dict[str, object]:
    """Return the ``MAILERS`` entry of the e-mail settings named ``prefix``_*.

    ``{prefix}_BACKEND`` chooses the backend class. The SMTP backend also
    reads ``{prefix}_HOST`` (required), ``{prefix}_PORT`` (default 587 with
    STARTTLS, 465 with TLS, 25 without), ``{prefix}_USER``,
    ``{prefix}_PASSWORD`` and ``{prefix}_SECURITY`` (starttls, tls or none;
    default starttls). It logs in when user and password are both set, and
    raises ConfigurationError for one without the other and for a login
    without encryption. Other backends take no options from here.
    """
    backend = read_str(f"{prefix}_BACKEND", default_backend)
    if backend != SMTP_BACKEND:
        return {"BACKEND": backend}
    host = read_str(f"{prefix}_HOST", "").strip()
    if not host:
        raise ConfigurationError(
            f"{prefix}_BACKEND={backend!r} needs the mail server in {prefix}_HOST, "
            "e.g. smtp.example.org"
        )
    security = read_choice(f"{prefix}_SECURITY", "starttls", SMTP_SECURITY)
    default_port = {"starttls": 587, "tls": 465, "none": 25}[security]
    port = read_int(f"{prefix}_PORT", default_port, minimum=1)
    if port > MAX_PORT:
        raise ConfigurationError(
            f"{prefix}_PORT={port} is not a TCP port; use 1 to {MAX_PORT}, "
            f"e.g. {default_port}"
        )
    options: dict[str, object] = {
        "host": host,
        "port": port,
        "use_tls": security == "starttls",
        "use_ssl": security == "tls",
        "timeout": read_int(f"{prefix}_TIMEOUT", 30, minimum=1),
    }
    user = read_str(f"{prefix}_USER", "")
    password = read_str(f"{prefix}_PASSWORD", "")
    if bool(user) != bool(password):
        set_name, unset_name = (
            (f"{prefix}_USER", f"{prefix}_PASSWORD")
            if user
            else (f"{prefix}_PASSWORD", f"{prefix}_USER")
        )
        raise ConfigurationError(
            f"{set_name} is set but {unset_name} is not; the SMTP backend logs in "
            "only with both, so set both or neither"
        )
    if user and security == "none":
        raise ConfigurationError(
            f"{prefix}_SECURITY=none would send the password of {prefix}_USER "
            "unencrypted; use starttls or tls"
        )
    if user:
        options["username"] = user
        options["password"] = password
    return {"BACKEND": backend, "OPTIONS": options}


def read_secret_key(name: str, data_dir: Path) -> str:
    """Return the secret key from the variable or from ``data_dir/secret_key``.

    On first run the key file is generated with mode 0600, so every later start
    of the same installation signs sessions with the same key.
    """
    value = _raw(name)
    if value:
        return value
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    import secrets

    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def read_database(name: str, sqlite_path: Path) -> dict[str, object]:
    """Return a Django database setting from a URL in the variable.

    ``sqlite:///var/lib/vigil.db`` (for /var/lib/vigil.db) and
    ``postgresql://user:pass@host:port/name``
    are understood; unset means the SQLite file ``sqlite_path``.
    """
    from urllib.parse import unquote, urlsplit

    value = _raw(name)
    if not value:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(sqlite_path)}
    url = urlsplit(value)
    if url.scheme == "sqlite":
        path = unquote(url.path)
        if not path or path == "/":
            raise ConfigurationError(
                f"{name}={value!r} names no database file; "
                "use sqlite:///var/lib/vigil/vigil.db for /var/lib/vigil/vigil.db"
            )
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    if url.scheme in {"postgres", "postgresql"}:
        database = unquote(url.path.lstrip("/"))
        if not database:
            raise ConfigurationError(
                f"{name}={value!r} names no database; "
                "use postgresql://user@host:5432/vigil"
            )
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(url.username or ""),
            "PASSWORD": unquote(url.password or ""),
            "HOST": url.hostname or "",
            "PORT": str(url.port or ""),
            "CONN_MAX_AGE": 60,
        }
    raise ConfigurationError(
        f"{name}={value!r} has the unsupported scheme {url.scheme!r}; "
        "use sqlite:/// or postgresql://"
    )
