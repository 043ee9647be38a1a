"""The ``vigil`` console command: help on every subcommand, clear setting errors."""

import argparse
import datetime
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO
from unittest import mock

import pytest
from django.conf import LazySettings
from django.core.management import (
    CommandError,
    call_command,
    get_commands,
    load_command_class,
)
from django.db import OperationalError, connection

from vigil import cli
from vigil.accesslog.identities import add_identity_period
from vigil.organisations.models import Organisation

# Options that Django adds to every command and documents itself.
DJANGO_OPTIONS = {
    "--help",
    "--version",
    "--verbosity",
    "--settings",
    "--pythonpath",
    "--traceback",
    "--no-color",
    "--force-color",
    "--skip-checks",
}


def project_commands() -> list[tuple[str, str]]:
    return sorted(
        (name, app)
        for name, app in get_commands().items()
        if isinstance(app, str) and app.startswith("vigil")
    )


def parsers_of(
    prog: str, parser: argparse.ArgumentParser
) -> Iterator[tuple[str, argparse.ArgumentParser, str]]:
    """Yield each parser below ``parser`` with its path and its parent's help."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            listed = {choice.dest: choice.help for choice in action._choices_actions}
            for name, child in action.choices.items():
                path = f"{prog} {name}"
                yield path, child, listed.get(name) or ""
                yield from parsers_of(path, child)


def every_parser() -> Iterator[tuple[str, argparse.ArgumentParser, str]]:
    for name, app in project_commands():
        command = load_command_class(app, name)
        parser = command.create_parser("vigil", name)
        yield name, parser, str(command.help)
        yield from parsers_of(name, parser)


def test_project_commands_found() -> None:
    names = {name for name, _ in project_commands()}

    assert {"setup", "demo", "org", "user", "catalog", "assessment"} <= names


@pytest.mark.parametrize(
    ("path", "parser", "summary"),
    [pytest.param(*case, id=case[0]) for case in every_parser()],
)
def test_help_describes_command_and_options(
    path: str, parser: argparse.ArgumentParser, summary: str
) -> None:
    undocumented = [
        action.option_strings[0] if action.option_strings else action.dest
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction)
        and not set(action.option_strings) & DJANGO_OPTIONS
        and not action.help
    ]

    assert summary.strip(), f"vigil {path} has no summary in its parent's help"
    assert undocumented == [], f"vigil {path}: options without help text"
    assert parser.format_help().startswith("usage: vigil")


# Commands whose subcommands repeat their summary at the top of their own help.
DESCRIBED_COMMANDS = {
    "accesslog",
    "accesslog_token",
    "assessment",
    "backup",
    "catalog",
    "org",
    "reminders",
    "user",
}


@pytest.mark.parametrize(
    ("path", "parser", "summary"),
    [
        pytest.param(*case, id=case[0])
        for case in every_parser()
        if " " in case[0] and case[0].split()[0] in DESCRIBED_COMMANDS
    ],
)
def test_subcommand_help_has_description(
    path: str, parser: argparse.ArgumentParser, summary: str
) -> None:
    # argparse wraps at spaces and after hyphens, as in "vigil-" and "verify",
    # so the texts are compared without their whitespace.
    description = "".join(parser.format_help().split("\n\n")[1].split())

    assert summary.strip(), f"vigil {path} has no summary in its parent's help"
    assert description == "".join(summary.split()), f"vigil {path} --help"


def run_vigil(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    vigil = Path(sys.executable).with_name("vigil")
    return subprocess.run(
        [str(vigil), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **environment},
        timeout=60,
        check=False,
    )


def test_invalid_setting_stops_without_traceback(tmp_path: Path) -> None:
    result = run_vigil("check", VIGIL_DATA_DIR=str(tmp_path), VIGIL_LANGUAGE="de")

    assert result.returncode == 2
    assert "VIGIL_LANGUAGE='de' is invalid; use one of nl, fr, en" in result.stderr
    assert "Traceback" not in result.stderr


def test_module_runs_as_the_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vigil.cli", "check"],
        capture_output=True,
        text=True,
        env={**os.environ, "VIGIL_DATA_DIR": str(tmp_path), "VIGIL_LANGUAGE": "de"},
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert "VIGIL_LANGUAGE='de' is invalid" in result.stderr


def run_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> str:
    """Run ``vigil`` through its entry point in this process; return stderr."""
    monkeypatch.setattr(sys, "argv", ["vigil", *args])
    with pytest.raises(SystemExit) as stopped:
        cli.main()

    assert stopped.value.code == 1
    return capsys.readouterr().err


def test_messages_english_by_default(
    centre_a: Organisation,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    output = str(tmp_path / "plan.pdf")
    error = run_in_process(
        monkeypatch,
        capsys,
        *("report", "plan", "--org", centre_a.slug, "--year", "2031"),
        *("--output", output),
    )

    assert error == "No security plan covers 2031: create one first.\n"


def test_messages_in_cli_language(
    centre_a: Organisation,
    tmp_path: Path,
    settings: LazySettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings.VIGIL_CLI_LANGUAGE = "nl"
    output = str(tmp_path / "plan.pdf")
    error = run_in_process(
        monkeypatch,
        capsys,
        *("report", "plan", "--org", centre_a.slug, "--year", "2031"),
        *("--output", output),
    )

    assert "Geen veiligheidsplan dekt 2031: maak er eerst een aan." in error


def test_cli_language_independent_of_site_language(
    centre_a: Organisation,
    tmp_path: Path,
    settings: LazySettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings.LANGUAGE_CODE = "fr"
    output = str(tmp_path / "plan.pdf")
    error = run_in_process(
        monkeypatch,
        capsys,
        *("report", "plan", "--org", centre_a.slug, "--year", "2031"),
        *("--output", output),
    )

    assert "No security plan covers 2031" in error


def test_invalid_cli_language_stops(tmp_path: Path) -> None:
    result = run_vigil("check", VIGIL_DATA_DIR=str(tmp_path), VIGIL_CLI_LANGUAGE="de")

    assert result.returncode == 2
    assert "VIGIL_CLI_LANGUAGE='de' is invalid; use one of nl, fr, en" in result.stderr


def test_error_traceback_on_request(
    centre_a: Organisation,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    output = str(tmp_path / "plan.pdf")
    arguments = ("report", "plan", "--org", centre_a.slug, "--year", "2031")
    monkeypatch.setattr(
        sys, "argv", ["vigil", *arguments, "--output", output, "--traceback"]
    )
    with pytest.raises(CommandError, match="No security plan covers 2031"):
        cli.main()


def closed_pipe() -> TextIO:
    """Return a text stream on a pipe whose reading end is already closed."""
    reading, writing = os.pipe()
    os.close(reading)
    return os.fdopen(writing, "w", encoding="utf-8")


def test_closed_pipe_exits_quietly(
    centre_a: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    for number in range(3):
        add_identity_period(
            centre_a, f"U{number}", f"Person {number}", start, actor=None
        )
    stream = closed_pipe()
    monkeypatch.setattr(sys, "stdout", stream)
    arguments = ["vigil", "accesslog", "identity", "list", "--org", centre_a.slug]
    monkeypatch.setattr(sys, "argv", arguments)

    with pytest.raises(SystemExit) as stopped:
        cli.main()
    stream.close()

    assert stopped.value.code == 1
    assert capsys.readouterr().err == ""


def test_closed_pipe_process_quiet(tmp_path: Path) -> None:
    reading, writing = os.pipe()
    os.close(reading)
    vigil = Path(sys.executable).with_name("vigil")
    with os.fdopen(writing, "wb") as output:
        result = subprocess.run(
            [str(vigil), "help"],
            stdout=output,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "VIGIL_DATA_DIR": str(tmp_path)},
            timeout=60,
            check=False,
        )

    assert result.returncode == 1
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("arguments", "level"),
    [
        (["demo", "--addrport", "127.0.0.1:8000"], "INFO"),
        (["runserver"], "INFO"),
        (["accesslog", "syslog", "--org", "demo"], "INFO"),
        (["accesslog", "verify", "--org", "demo"], "WARNING"),
        (["accesslog_token", "create", "--org", "demo", "cmdb"], "WARNING"),
        (["-v", "2", "check"], "WARNING"),
    ],
)
def test_default_log_level(arguments: list[str], level: str) -> None:
    assert cli.default_log_level(arguments) == level


def test_command_logs_warnings_only(tmp_path: Path) -> None:
    code = "import logging; logging.getLogger('vigil').info('stored 3 rows')"
    environment = {"VIGIL_DATA_DIR": str(tmp_path)}
    quiet = subprocess.run(
        [str(Path(sys.executable).with_name("vigil")), "shell", "-c", code],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "VIGIL_LOG_LEVEL"}
        | environment,
        timeout=60,
        check=False,
    )
    chatty = run_vigil("shell", "-c", code, VIGIL_LOG_LEVEL="INFO", **environment)

    assert quiet.returncode == 0
    assert quiet.stderr == ""
    assert "INFO vigil stored 3 rows" in chatty.stderr


def test_locked_database_is_a_message(
    centre_a: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(
        "vigil.accesslog.management.commands.accesslog.expire_entries",
        mock.Mock(side_effect=OperationalError("database is locked")),
    )

    errors = run_in_process(
        monkeypatch, capsys, "accesslog", "expire", "--org", centre_a.slug
    )

    assert errors.startswith("the database is locked: another process kept")
    assert "Run the command again when the other process has finished" in errors
    assert "Traceback" not in errors


def test_other_operational_error_is_raised(
    centre_a: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "vigil.accesslog.management.commands.accesslog.expire_entries",
        mock.Mock(side_effect=OperationalError("disk I/O error")),
    )
    monkeypatch.setattr(
        sys, "argv", ["vigil", "accesslog", "expire", "--org", centre_a.slug]
    )

    with pytest.raises(OperationalError, match="disk I/O error"):
        cli.main()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's JSON probe")
def test_checks_pass_while_write_lock_held(centre_a: Organisation) -> None:
    # Django's probe for SQLite's JSON functions starts a transaction, which
    # times out while another process holds the write lock.
    locked = mock.Mock()
    locked.atomic.side_effect = OperationalError("database is locked")
    connection.features.__dict__.pop("supports_json_field", None)
    output = io.StringIO()

    with mock.patch("django.db.backends.sqlite3.features.transaction", locked):
        call_command(
            "accesslog_token",
            "list",
            "--org",
            centre_a.slug,
            skip_checks=False,
            stdout=output,
        )

    assert output.getvalue().count("\t") == 4
    assert connection.features.supports_json_field is True


def test_interrupt_while_loading_is_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("django.setup", interrupted)
    monkeypatch.setattr(sys, "argv", ["vigil", "help"])

    with pytest.raises(SystemExit) as stopped:
        cli.main()

    assert stopped.value.code == cli.INTERRUPTED_STATUS
    assert capsys.readouterr().err == cli.INTERRUPTED_MESSAGE + "\n"


def test_interrupted_command_is_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(argv: list[str]) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("django.core.management.execute_from_command_line", interrupted)
    monkeypatch.setattr(sys, "argv", ["vigil", "help"])

    with pytest.raises(SystemExit) as stopped:
        cli.main()

    assert stopped.value.code == 130
    assert "Traceback" not in capsys.readouterr().err


def test_interrupted_command_message_translated(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    settings: LazySettings,
) -> None:
    def interrupted(argv: list[str]) -> None:
        raise KeyboardInterrupt

    settings.VIGIL_CLI_LANGUAGE = "fr"
    monkeypatch.setattr("django.core.management.execute_from_command_line", interrupted)
    monkeypatch.setattr(sys, "argv", ["vigil", "help"])

    with pytest.raises(SystemExit) as stopped:
        cli.main()

    assert stopped.value.code == cli.INTERRUPTED_STATUS
    assert capsys.readouterr().err == (
        "vigil\u00a0: interrompu avant la fin de la commande. Relancez-la.\n"
    )
