"""``vigil accesslog ingest`` run as a test calls it, for centre-a."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command


def ingest(path: Path, *options: str) -> tuple[list[str], list[str]]:
    """Ingest ``path`` and return the lines of standard output and error."""
    output, errors = io.StringIO(), io.StringIO()
    call_command(
        "accesslog",
        "ingest",
        "--org",
        "centre-a",
        *options,
        str(path),
        stdout=output,
        stderr=errors,
    )
    return output.getvalue().splitlines(), errors.getvalue().splitlines()


def ingest_failing(path: Path, *options: str) -> tuple[str, list[str]]:
    """Ingest ``path``, which must fail, and return the error and standard error."""
    errors = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "accesslog",
            "ingest",
            "--org",
            "centre-a",
            *options,
            str(path),
            stdout=io.StringIO(),
            stderr=errors,
        )
    return str(raised.value), errors.getvalue().splitlines()


def write_lines(path: Path, records: list[dict[str, Any]]) -> Path:
    """Write ``records`` to ``path`` as JSON lines."""
    path.write_text("".join(json.dumps(item) + "\n" for item in records), "utf-8")
    return path
