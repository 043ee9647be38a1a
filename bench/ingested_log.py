"""The SQLite log that ``accesslog_ingest.py --work-dir DIR`` leaves in DIR.

The scripts that measure such a log further take its folder with
``--work-dir`` and set Django up on its database and secret key.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

DATABASE = "accesslog.sqlite3"
KEY_FILE = "secret_key"
# The centre that accesslog_ingest.py creates.
CENTRE = "bench-centre"


def add_work_dir_argument(parser: argparse.ArgumentParser) -> None:
    """Add the required ``--work-dir`` option to ``parser``."""
    parser.add_argument(
        "--work-dir",
        required=True,
        help=f"folder of an accesslog_ingest.py run with --engine sqlite, which "
        f"contains {DATABASE} and {KEY_FILE}",
    )


def require_log(parser: argparse.ArgumentParser, work_dir: str) -> Path:
    """Return ``work_dir`` as a path, or stop with an error if it contains no log."""
    if not (Path(work_dir) / DATABASE).is_file():
        parser.error(
            f"--work-dir {work_dir!r} has no {DATABASE}; run "
            "accesslog_ingest.py --engine sqlite --work-dir with that folder first"
        )
    return Path(work_dir)


def configure_django(work_dir: Path) -> None:
    """Set Django up on the log and the secret key in ``work_dir``."""
    os.environ["DATABASE_URL"] = f"sqlite:///{work_dir / DATABASE}"
    os.environ["VIGIL_DATA_DIR"] = str(work_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "vigil.settings"
    os.environ.setdefault("VIGIL_LOG_LEVEL", "WARNING")
    import django

    django.setup()
