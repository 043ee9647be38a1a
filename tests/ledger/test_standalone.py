"""The ledger package must work without Django, for the offline verifier."""

import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import sys
import vigil.ledger
import vigil.ledger.terminal
loaded = sorted(
    name for name in sys.modules
    if name.split(".")[0] == "django"
    or (name.startswith("vigil.") and not name.startswith("vigil.ledger"))
)
print(",".join(loaded))
"""


def test_import_loads_no_django() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == ""
