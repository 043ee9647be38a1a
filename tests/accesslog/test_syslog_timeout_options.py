"""The timeout options of ``vigil accesslog syslog``, with a real receiver on 127.0.0.1.

Each test that reaches the receiver replaces ``run_forever`` with a scenario
that starts the receiver that the command built, connects to it, and waits
for the receiver to close the connection. The log line of the close shows
which timeout the receiver applied, with the seconds that it was given.
"""

import asyncio
import io
import logging
import re
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.accesslog.test_command_language import run_cli
from tests.accesslog.test_syslog_receiver import (
    HOST,
    LOGGER_NAME,
    PARSE_ERROR,
    frame,
    make_certificate,
    read_until_closed,
    run,
)
from vigil.accesslog.syslog.receiver import (
    DEFAULT_FIRST_MESSAGE_TIMEOUT,
    DEFAULT_HANDSHAKE_TIMEOUT,
    DEFAULT_IDLE_TIMEOUT,
    SyslogReceiver,
)
from vigil.accesslog.syslog_cli import TIMEOUT_OPTIONS, timeout_seconds
from vigil.commands import USAGE_ERROR_STATUS
from vigil.organisations.models import Organisation

Scenario = Callable[[SyslogReceiver], Awaitable[None]]

RECEIVER_DEFAULTS = {
    "idle_timeout": DEFAULT_IDLE_TIMEOUT,
    "handshake_timeout": DEFAULT_HANDSHAKE_TIMEOUT,
    "first_message_timeout": DEFAULT_FIRST_MESSAGE_TIMEOUT,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def serve(scenario: Scenario) -> Callable[[SyslogReceiver], None]:
    """Return a stand-in for run_forever that runs ``scenario``, then stops."""

    def run_forever(receiver: SyslogReceiver) -> None:
        async def main() -> None:
            await receiver.start()
            try:
                await scenario(receiver)
            finally:
                await receiver.stop()

        run(main())

    return run_forever


def run_syslog_command(organisation: Organisation, *options: str) -> None:
    """Run ``vigil accesslog syslog`` in English, with a free port on 127.0.0.1."""
    listen = f"{HOST}:{free_port()}"
    with translation.override("en"):
        call_command(
            "accesslog",
            *("syslog", "--org", organisation.slug, "--listen", listen),
            *options,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def closing_lines(caplog: pytest.LogCaptureFixture, pattern: str) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == LOGGER_NAME and re.search(pattern, record.getMessage())
    ]


async def connect_and_wait_for_close(receiver: SyslogReceiver, data: bytes) -> None:
    reader, writer = await asyncio.open_connection(HOST, receiver.port)
    writer.write(data)
    await writer.drain()
    assert await read_until_closed(reader) == b""
    writer.close()


# Options that reach the receiver


def test_option_defaults_match_receiver() -> None:
    for option in TIMEOUT_OPTIONS:
        seconds = timeout_seconds(option, {option.name: option.default})
        assert seconds == RECEIVER_DEFAULTS[option.name], option.flag


def test_idle_timeout_reaches_receiver(
    centre_a: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A message that the parser rejects still counts as the first message, so
    # the idle timeout applies from then on, and no event reaches the database.
    async def scenario(receiver: SyslogReceiver) -> None:
        await connect_and_wait_for_close(receiver, frame(PARSE_ERROR))

    monkeypatch.setattr(SyslogReceiver, "run_forever", serve(scenario))
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        run_syslog_command(centre_a, "--idle-timeout", "0.3")
    [line] = closing_lines(caplog, "closing syslog connection")
    assert line.endswith(": no data for 0.3 seconds")


def test_first_message_timeout_reaches_receiver(
    centre_a: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def scenario(receiver: SyslogReceiver) -> None:
        await connect_and_wait_for_close(receiver, b"")

    monkeypatch.setattr(SyslogReceiver, "run_forever", serve(scenario))
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        run_syslog_command(centre_a, "--first-message-timeout", "0.4")
    [line] = closing_lines(caplog, "closing syslog connection")
    assert line.endswith(": no complete message within 0.4 seconds")


def test_handshake_timeout_reaches_receiver(
    centre_a: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    certificate = make_certificate(tmp_path, "server")

    # The client never starts the handshake.
    async def scenario(receiver: SyslogReceiver) -> None:
        await connect_and_wait_for_close(receiver, b"")

    monkeypatch.setattr(SyslogReceiver, "run_forever", serve(scenario))
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        run_syslog_command(
            centre_a,
            *("--tls-cert", str(certificate.cert_file)),
            *("--tls-key", str(certificate.key_file)),
            *("--handshake-timeout", "0.5"),
        )
    [line] = closing_lines(caplog, "TLS handshake with")
    assert line.endswith(" timed out after 0.5 seconds")


def test_timeout_seconds_parsed() -> None:
    idle, handshake, first_message = TIMEOUT_OPTIONS
    assert timeout_seconds(idle, {"idle_timeout": "86400"}) == 86_400
    assert isinstance(timeout_seconds(idle, {"idle_timeout": "60.0"}), int)
    assert timeout_seconds(handshake, {"handshake_timeout": "60"}) == 60
    assert timeout_seconds(first_message, {"first_message_timeout": ".25"}) == 0.25
    assert timeout_seconds(first_message, {"first_message_timeout": "2."}) == 2


# Invalid values

# Values that every option rejects. invalid_cases adds values above each
# option's maximum.
INVALID_VALUES = ["0", "0.0", "-1", "abc", "nan", "inf", "1e3", "", " 5", "1_0", "٣"]


def invalid_cases() -> list[tuple[str, str]]:
    cases = []
    for option in TIMEOUT_OPTIONS:
        too_large = str(option.maximum + 1)
        for value in [*INVALID_VALUES, too_large, f"{option.maximum}.5"]:
            cases.append((option.flag, value))
    return cases


@pytest.mark.parametrize(("flag", "value"), invalid_cases())
def test_invalid_timeout_rejected(
    centre_a: Organisation, monkeypatch: pytest.MonkeyPatch, flag: str, value: str
) -> None:
    started: list[SyslogReceiver] = []
    monkeypatch.setattr(SyslogReceiver, "run_forever", started.append)
    [option] = [option for option in TIMEOUT_OPTIONS if option.flag == flag]
    with pytest.raises(CommandError) as raised:
        run_syslog_command(centre_a, f"{flag}={value}")
    assert str(raised.value) == (
        f"{flag} {value!r} is not a number of seconds greater than 0 and at most "
        f"{option.maximum}, e.g. {option.default} (the default)"
    )
    assert raised.value.returncode == USAGE_ERROR_STATUS
    assert started == []


INVALID_TIMEOUT_MESSAGES = {
    "en": "--handshake-timeout 'nan' is not a number of seconds greater than 0 "
    "and at most 60, e.g. 10 (the default)\n",
    "nl": "--handshake-timeout 'nan' is geen aantal seconden groter dan 0 en "
    "hoogstens 60, bv. 10 (de standaardwaarde)\n",
    "fr": "--handshake-timeout 'nan' n'est pas un nombre de secondes supérieur à 0 "
    "et d'au plus 60, par exemple 10 (la valeur par défaut)\n",
}


@pytest.mark.parametrize("language", sorted(INVALID_TIMEOUT_MESSAGES))
def test_invalid_timeout_exit_status_and_language(
    centre_a: Organisation,
    settings: LazySettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    language: str,
) -> None:
    settings.VIGIL_CLI_LANGUAGE = language
    started: list[SyslogReceiver] = []
    monkeypatch.setattr(SyslogReceiver, "run_forever", started.append)
    code, output, errors = run_cli(
        monkeypatch,
        capsys,
        *("accesslog", "syslog", "--org", centre_a.slug),
        *("--listen", f"{HOST}:{free_port()}", "--handshake-timeout", "nan"),
    )
    assert code == USAGE_ERROR_STATUS
    assert output == ""
    assert errors == INVALID_TIMEOUT_MESSAGES[language]
    assert started == []


@pytest.mark.parametrize(
    "options",
    [
        ("--listen", "localhost"),
        ("--listen", "127.0.0.1:6514", "--tls-cert", "cert.pem"),
    ],
)
def test_other_bad_options_usage_status(
    centre_a: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    options: tuple[str, ...],
) -> None:
    started: list[SyslogReceiver] = []
    monkeypatch.setattr(SyslogReceiver, "run_forever", started.append)
    code, _output, errors = run_cli(
        monkeypatch, capsys, "accesslog", "syslog", "--org", centre_a.slug, *options
    )
    assert code == USAGE_ERROR_STATUS
    assert errors.startswith(options[-2])
    assert started == []


# Help

HELP_TEXTS = {
    "en": [
        "--idle-timeout SECONDS Seconds that a connection may send nothing after "
        "its first message before the receiver closes it (default 300, at most "
        "86400).",
        "--handshake-timeout SECONDS Seconds that a TLS handshake may take before "
        "the receiver closes the connection (default 10, at most 60).",
        "--first-message-timeout SECONDS Seconds within which a new connection "
        "must deliver its first complete message, counted from the end of any TLS "
        "handshake, before the receiver closes it (default 10, at most 86400).",
    ],
    "nl": [
        "(standaard 300, hoogstens 86400).",
        "(standaard 10, hoogstens 60).",
        "Seconden waarbinnen een nieuwe verbinding haar eerste volledige bericht",
    ],
    "fr": [
        "(par défaut 300, au plus 86400).",
        "(par défaut 10, au plus 60).",
        "Secondes que peut durer une négociation TLS",
    ],
}


@pytest.mark.parametrize("language", sorted(HELP_TEXTS))
def test_timeout_options_in_help(
    settings: LazySettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    language: str,
) -> None:
    settings.VIGIL_CLI_LANGUAGE = language
    code, output, _errors = run_cli(
        monkeypatch, capsys, "accesslog", "syslog", "--help"
    )
    assert code == 0
    for text in HELP_TEXTS[language]:
        assert text in output
