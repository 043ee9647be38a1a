"""Compile the gettext catalogues (.po) into the binary files (.mo) Django reads.

Python does the work through polib, so a machine needs no GNU gettext. Like
``msgfmt``, the compiled file leaves out fuzzy, obsolete and untranslated
entries, and the header entry stays first.
"""

import os
import tempfile
from pathlib import Path

import polib

# Every catalogue of the project and of the apps that keep their own.
CATALOGUE_PATTERN = "locale/*/LC_MESSAGES/django.po"


def catalogue_paths(root: Path) -> list[Path]:
    """Return the .po files under ``root``, sorted."""
    return sorted(root.rglob(CATALOGUE_PATTERN))


def is_stale(po: Path, mo: Path) -> bool:
    """Return whether ``mo`` is missing or older than ``po``."""
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def compile_catalogue(po: Path, mo: Path) -> None:
    """Write the compiled ``po`` to ``mo``, replacing it in one step.

    Readers never see a half-written file: the content goes to a temporary
    file in the same folder, which then replaces ``mo``.
    """
    catalogue = polib.pofile(str(po), encoding="utf-8")
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{mo.name}.", suffix=".tmp", dir=mo.parent
    )
    os.close(descriptor)
    try:
        catalogue.save_as_mofile(temporary)
        Path(temporary).replace(mo)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def compile_catalogues(root: Path, *, force: bool = False) -> list[Path]:
    """Compile each catalogue under ``root`` whose .mo file is stale.

    Returns the .mo files written. ``force`` compiles every catalogue.
    """
    written = []
    for po in catalogue_paths(root):
        mo = po.with_suffix(".mo")
        if force or is_stale(po, mo):
            compile_catalogue(po, mo)
            written.append(mo)
    return written
