"""The ``vigil`` console command: Django's management commands behind one name."""

import os
import sys
from collections.abc import Callable


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the catalogues, as Django's gettext_noop does.

    Django's own reads the settings, which are not loaded when this module is.
    """
    return message


# Commands that keep running, such as servers, and report what they do
# through the log. They log from INFO on, and every other command, which
# prints what it did, logs warnings and errors only. VIGIL_LOG_LEVEL, when
# set, applies to all.
SERVICE_COMMANDS = (("demo",), ("runserver",), ("accesslog", "syslog"))
# The exit status of a command stopped by Ctrl-C: 128 plus SIGINT's number 2,
# as shells report a program that the signal ended.
INTERRUPTED_STATUS = 130
INTERRUPTED_MESSAGE = gettext_noop(
    "vigil: interrupted before the command finished. Run it again."
)


def default_log_level(arguments: list[str]) -> str:
    """Return the log level of the command that ``arguments`` name."""
    words = [word for word in arguments if not word.startswith("-")]
    for command in SERVICE_COMMANDS:
        if tuple(words[: len(command)]) == command:
            return "INFO"
    return "WARNING"


def main() -> None:
    """Run the management command named on the command line.

    Every message of the command is in the language of VIGIL_CLI_LANGUAGE
    (English unless set), whatever the web interface's default language.
    A setting from the environment that is invalid stops the command with the
    reader's message and exit status 2, and Ctrl-C with status 130, both
    without a traceback. Ctrl-C may come while Django and the command load,
    before the command can report anything of its own.
    """
    try:
        _setup_and_run()
    except KeyboardInterrupt:
        print(_interrupted_message(), file=sys.stderr)
        sys.exit(INTERRUPTED_STATUS)


def _interrupted_message() -> str:
    """Return the Ctrl-C message in the language of VIGIL_CLI_LANGUAGE.

    The catalogues can be read only once Django has loaded its apps, so a
    Ctrl-C before that gets the English message.
    """
    from django.apps import apps

    if not apps.ready:
        return INTERRUPTED_MESSAGE
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.VIGIL_CLI_LANGUAGE):
        return translation.gettext(INTERRUPTED_MESSAGE)


def _setup_and_run() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    os.environ.setdefault("VIGIL_LOG_LEVEL", default_log_level(sys.argv[1:]))
    import django
    from django.conf import settings
    from django.core.management import execute_from_command_line
    from django.utils import translation

    from vigil.environment import ConfigurationError

    try:
        django.setup()
        translation.activate(settings.VIGIL_CLI_LANGUAGE)
        _run_with_broken_pipe_exit(
            lambda: execute_from_command_line(["vigil", *sys.argv[1:]])
        )
    except ConfigurationError as error:
        print(f"vigil: invalid setting: {error}", file=sys.stderr)
        sys.exit(2)


def _run_with_broken_pipe_exit(run: Callable[[], None]) -> None:
    """Call ``run``, and exit quietly with status 1 if its reader closes stdout.

    A reader such as ``head`` may stop before the command ends. Python then
    raises BrokenPipeError on the next write, and again when it flushes
    stdout at exit, so stdout goes to the null device from then on. This
    follows the "Note on SIGPIPE" in the documentation of Python's signal
    module, exit status included.
    """
    try:
        try:
            run()
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
