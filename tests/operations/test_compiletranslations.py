"""``vigil compiletranslations``: .mo files from Python, read back by gettext."""

import gettext
import io
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import LazySettings, settings
from django.core.management import call_command

from tests.conftest import login
from vigil.accounts.models import User
from vigil.operations.translations import (
    catalogue_paths,
    compile_catalogue,
    compile_catalogues,
)

SAMPLE_PO = r"""# A catalogue with each kind of entry that msgfmt treats specially.
msgid ""
msgstr ""
"Project-Id-Version: Vigil\n"
"Language: fr\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"

msgid "Questionnaire"
msgstr "Questionnaire (fr)"

msgctxt "answer"
msgid "Partially"
msgstr "Partiellement"

msgid "%(count)s norm"
msgid_plural "%(count)s norms"
msgstr[0] "%(count)s norme"
msgstr[1] "%(count)s normes"

#, fuzzy
msgid "Save"
msgstr "Sauvegarder peut-être"

msgid "Untranslated"
msgstr ""

#~ msgid "Obsolete"
#~ msgstr "Obsolète"
"""


def write_catalogue(root: Path, language: str = "fr") -> Path:
    po = root / "locale" / language / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(SAMPLE_PO, encoding="utf-8")
    return po


def read_mo(mo: Path) -> gettext.GNUTranslations:
    with mo.open("rb") as file:
        return gettext.GNUTranslations(file)


def test_compiled_catalogue_reads_back(tmp_path: Path) -> None:
    po = write_catalogue(tmp_path)
    mo = tmp_path / "django.mo"

    compile_catalogue(po, mo)
    translations = read_mo(mo)

    assert translations.gettext("Questionnaire") == "Questionnaire (fr)"
    assert translations.pgettext("answer", "Partially") == "Partiellement"
    assert translations.ngettext("%(count)s norm", "%(count)s norms", 1) == (
        "%(count)s norme"
    )
    assert translations.ngettext("%(count)s norm", "%(count)s norms", 2) == (
        "%(count)s normes"
    )
    assert translations.info()["language"] == "fr"
    assert translations.info()["plural-forms"] == "nplurals=2; plural=(n > 1);"


def test_compiled_catalogue_skips_fuzzy_and_empty(tmp_path: Path) -> None:
    po = write_catalogue(tmp_path)
    mo = tmp_path / "django.mo"

    compile_catalogue(po, mo)
    translations = read_mo(mo)

    assert translations.gettext("Save") == "Save"
    assert translations.gettext("Untranslated") == "Untranslated"
    assert translations.gettext("Obsolete") == "Obsolete"


def test_shipped_dutch_catalogue_compiles(tmp_path: Path) -> None:
    po = Path(settings.LOCALE_PATHS[0]) / "nl" / "LC_MESSAGES" / "django.po"
    mo = tmp_path / "django.mo"

    compile_catalogue(po, mo)
    translations = read_mo(mo)

    assert translations.gettext("Questionnaires") == "Vragenlijsten"
    assert translations.info()["language"] == "nl"


def test_compile_only_stale_catalogues(tmp_path: Path) -> None:
    french = write_catalogue(tmp_path / "a", "fr")
    dutch = write_catalogue(tmp_path / "b", "nl")

    first = compile_catalogues(tmp_path)
    second = compile_catalogues(tmp_path)
    # The .po file changes after its .mo file was written.
    mo_time = french.with_suffix(".mo").stat().st_mtime
    os.utime(french, (mo_time + 10, mo_time + 10))
    third = compile_catalogues(tmp_path)
    forced = compile_catalogues(tmp_path, force=True)

    assert first == [french.with_suffix(".mo"), dutch.with_suffix(".mo")]
    assert second == []
    assert third == [french.with_suffix(".mo")]
    assert forced == first


def test_every_catalogue_django_reads_is_found() -> None:
    """The project's locale folder and each installed app's are all compiled."""
    folders = [Path(path) for path in settings.LOCALE_PATHS] + [
        Path(config.path) / "locale"
        for config in apps.get_app_configs()
        if config.name.startswith("vigil")
    ]
    read_by_django = {
        po for folder in folders for po in folder.glob("*/LC_MESSAGES/django.po")
    }

    found = set(catalogue_paths(Path(settings.BASE_DIR)))

    assert len(read_by_django) >= 28
    assert read_by_django <= found


def test_command_reports_compiled_files(settings: LazySettings, tmp_path: Path) -> None:
    root = tmp_path / "vigil"
    po = write_catalogue(root)
    settings.BASE_DIR = root
    first, second = io.StringIO(), io.StringIO()

    call_command("compiletranslations", stdout=first)
    call_command("compiletranslations", stdout=second)

    assert first.getvalue() == "compiled vigil/locale/fr/LC_MESSAGES/django.mo\n"
    assert second.getvalue() == "every catalogue is up to date\n"
    assert po.with_suffix(".mo").exists()


@pytest.mark.django_db
def test_app_serves_dutch_from_compiled_catalogue(
    settings: LazySettings, tmp_path: Path, consultant_a: User
) -> None:
    shipped = Path(settings.LOCALE_PATHS[0]) / "nl" / "LC_MESSAGES" / "django.po"
    mo = tmp_path / "locale" / "nl" / "LC_MESSAGES" / "django.mo"
    mo.parent.mkdir(parents=True)
    compile_catalogue(shipped, mo)
    # Django reads the project's messages from this folder alone from now on.
    settings.LOCALE_PATHS = [tmp_path / "locale"]

    response = login(consultant_a).get("/c/centre-a/", HTTP_ACCEPT_LANGUAGE="nl")
    text = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="nl">' in text
    assert "<h2>Vragenlijsten</h2>" in text
