"""The Dutch and French catalogues: complete, placeholders intact, used by the pages."""

import ast
import fcntl
import gettext
import html
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.test.signals import setting_changed

from tests.conftest import login
from vigil.accesslog import verification_messages
from vigil.accounts.models import User
from vigil.assessments.models import Assessment
from vigil.assessments.services import create_assessment
from vigil.catalog.models import CatalogVersion
from vigil.operations.translations import compile_catalogues
from vigil.organisations.models import Organisation

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PLURAL_FORMS = {
    "nl": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
}
LANGUAGES = sorted(PLURAL_FORMS)
YEAR = 2026
DASHBOARD = "/c/centre-a/"
QUESTIONNAIRE = f"/c/centre-a/questionnaires/{YEAR}/"

# printf-style placeholders as Python's % operator reads them. "%%" is a literal.
PRINTF = re.compile(
    r"%(?:\((?P<name>[^)]+)\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]"
)
BRACES = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")


# Reading the .po files


@dataclass
class Entry:
    """One message of a .po file; ``msgstr`` maps the plural index to its text."""

    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$')


def read_po(path: Path) -> list[Entry]:
    """Parse the entries of ``path``, header included, obsolete (#~) ones left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] = ("msgid", 0)
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            entry = None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(entry, target, ast.literal_eval(line))
        else:
            match = _KEYWORD.match(line)
            assert match, f"{path}:{number}: cannot parse {line!r}"
            keyword, index, text = match.groups()
            target = (keyword, int(index or 0))
            if keyword == "msgstr":
                entry.msgstr[target[1]] = ""
            elif keyword == "msgctxt":
                entry.msgctxt = ""
            elif keyword == "msgid_plural":
                entry.msgid_plural = ""
            _append(entry, target, ast.literal_eval(text))
    return entries


def _append(entry: Entry, target: tuple[str, int], text: str) -> None:
    keyword, index = target
    if keyword == "msgstr":
        entry.msgstr[index] += text
    elif keyword == "msgid":
        entry.msgid += text
    elif keyword == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    else:
        entry.msgctxt = (entry.msgctxt or "") + text


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


# The project's catalogue and those of the apps that keep their own.
PO_FILES = sorted(Path(settings.BASE_DIR).rglob("locale/*/LC_MESSAGES/django.po"))
CATALOGUES = [
    pytest.param(
        language,
        path,
        id=f"{path.relative_to(settings.BASE_DIR).parts[0]}-{language}"
        if path.is_relative_to(LOCALE_DIR)
        else f"{path.parent.parent.parent.parent.name}-{language}",
    )
    for path in PO_FILES
    for language in [path.parent.parent.name]
]


def messages(po: Path) -> list[Entry]:
    return [entry for entry in read_po(po) if entry.msgid]


def header(po: Path) -> dict[str, str]:
    first = read_po(po)[0]
    assert first.msgid == "", "the catalogue must start with its header entry"
    fields = {}
    for line in first.msgstr[0].splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return fields


def placeholders(text: str) -> tuple[set[str], list[str], set[str], list[str]]:
    """Return named and positional printf placeholders, brace fields and HTML tags."""
    found = [m for m in PRINTF.finditer(text) if m.group() != "%%"]
    named = {m.group() for m in found if m.group("name")}
    positional = [m.group() for m in found if not m.group("name")]
    return named, positional, set(BRACES.findall(text)), sorted(HTML_TAG.findall(text))


# Compiling the .mo files


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> Iterator[None]:
    """Compile the catalogues unless every .mo file is newer than its .po file.

    ``make test`` compiles them before pytest; this covers a bare ``pytest``
    run. The lock keeps pytest-xdist workers from writing one .mo file at once.
    """
    lock_path = Path(tempfile.gettempdir()) / "vigil-compilemessages.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        compile_catalogues(Path(settings.BASE_DIR))
        fcntl.flock(lock, fcntl.LOCK_UN)
    # This process, or another xdist worker, may have compiled the catalogues
    # after this process loaded them: gettext keeps every parsed .mo file by
    # path, and Django keeps one translation object per language.
    gettext._translations.clear()  # type: ignore[attr-defined]
    setting_changed.send(
        sender=None, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=True
    )
    yield


# The catalogues


@pytest.mark.parametrize(("language", "po"), CATALOGUES)
def test_header_names_language_and_plurals(language: str, po: Path) -> None:
    fields = header(po)

    assert fields.get("Project-Id-Version", "").startswith("Vigil")
    assert fields.get("Language") == language
    assert fields.get("Content-Type") == "text/plain; charset=UTF-8"
    assert fields.get("Plural-Forms") == PLURAL_FORMS[language]


@pytest.mark.parametrize(("language", "po"), CATALOGUES)
def test_catalogue_has_messages(language: str, po: Path) -> None:
    minimum = 100 if po.is_relative_to(LOCALE_DIR) else 1
    assert len(messages(po)) > minimum


@pytest.mark.parametrize(("language", "po"), CATALOGUES)
def test_every_message_translated(language: str, po: Path) -> None:
    untranslated = [
        str(entry)
        for entry in messages(po)
        if not entry.msgstr or not all(text.strip() for text in entry.msgstr.values())
    ]

    assert untranslated == []


@pytest.mark.parametrize(("language", "po"), CATALOGUES)
def test_plural_messages_have_both_forms(language: str, po: Path) -> None:
    wrong = [
        f"{entry}: forms {sorted(entry.msgstr)}"
        for entry in messages(po)
        if entry.msgid_plural is not None and sorted(entry.msgstr) != [0, 1]
    ]

    assert wrong == []


@pytest.mark.parametrize(("language", "po"), CATALOGUES)
def test_no_fuzzy_entries(language: str, po: Path) -> None:
    fuzzy = [str(e) for e in read_po(po) if "fuzzy" in e.flags]

    assert fuzzy == []


@pytest.mark.parametrize(("language", "po"), CATALOGUES)
def test_placeholders_match_source(language: str, po: Path) -> None:
    mismatched = []
    for entry in messages(po):
        expected = placeholders(entry.msgid)
        if entry.msgid_plural is not None:
            plural = placeholders(entry.msgid_plural)
            expected = (
                expected[0] | plural[0],
                expected[1],
                expected[2] | plural[2],
                expected[3],
            )
        for index, text in entry.msgstr.items():
            if text and placeholders(text) != expected:
                mismatched.append(f"{entry} [{index}]: {text!r}")

    assert mismatched == []


@pytest.mark.parametrize(("language", "po"), CATALOGUES)
def test_no_template_syntax_in_translations(language: str, po: Path) -> None:
    # A blocktranslate variable is %(name)s in the catalogue; a {{ name }}
    # typed into a translation would reach users unchanged.
    leaked = [
        f"{entry}: {text!r}"
        for entry in messages(po)
        for text in entry.msgstr.values()
        if "{{" in text or "{%" in text
    ]

    assert leaked == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is missing")
@pytest.mark.parametrize(("language", "po"), CATALOGUES)
def test_msgfmt_accepts_formats(language: str, po: Path) -> None:
    msgfmt = shutil.which("msgfmt") or "msgfmt"

    result = subprocess.run(
        [msgfmt, "--check", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


# French sets a no-break space (U+00A0, or the narrow U+202F) before : ; ? !
# and inside guillemets, so that a line never starts with the mark. A plain
# space there is the usual slip. Vigil writes straight apostrophes.
FRENCH_SPACE_SLIPS = re.compile(r" [:;?!]|« | »")
FRENCH_CATALOGUES = [param for param in CATALOGUES if param.values[0] == "fr"]


@pytest.mark.parametrize(("language", "po"), FRENCH_CATALOGUES)
def test_french_typography(language: str, po: Path) -> None:
    slips = [
        (entry.line, text)
        for entry in messages(po)
        for text in entry.msgstr.values()
        if FRENCH_SPACE_SLIPS.search(text) or "\u2019" in text
    ]

    assert slips == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_verification_reasons_translated(language: str) -> None:
    # The reasons are marked with gettext_noop and shown long after they
    # were stored, so each needs its entry in the project's catalogue with
    # the placeholders that its stored values fill.
    entries = {entry.msgid: entry for entry in messages(po_path(language))}
    wrong = []
    for template in sorted(verification_messages.TEMPLATES):
        entry = entries.get(template)
        translated = entry.msgstr.get(0, "") if entry is not None else ""
        if not translated.strip():
            wrong.append(f"untranslated: {template!r}")
        elif placeholders(translated) != placeholders(template):
            wrong.append(f"placeholders differ: {translated!r}")

    assert wrong == []


def catalogued(root: Path, language: str) -> set[tuple[str | None, str]]:
    """Return (context, message) of every entry of the language's catalogues."""
    return {
        (entry.msgctxt, entry.msgid)
        for po in sorted(root.rglob(f"locale/{language}/LC_MESSAGES/django.po"))
        for entry in messages(po)
    }


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is missing")
def test_catalogues_contain_exactly_marked_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # makemessages writes the messages marked in the code into the catalogues
    # of a copy of the package. A message that the catalogues lack reaches
    # users in English, and one that the code no longer marks is unused.
    source = Path(settings.BASE_DIR)
    copy = tmp_path / source.name
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=LANGUAGES, no_obsolete=True, verbosity=0)

    for language in LANGUAGES:
        marked = catalogued(copy, language)
        present = catalogued(source, language)
        assert sorted(marked - present) == [], f"missing from the {language} catalogues"
        assert sorted(present - marked) == [], f"no longer marked ({language})"


# The pages in Dutch and French


@pytest.fixture
def assessment(
    catalog: CatalogVersion, centre_a: Organisation, consultant_a: User
) -> Assessment:
    return create_assessment(centre_a, YEAR, actor=consultant_a)


def page_text(response: Any) -> str:
    """Return the page with entities decoded, so "d'entreprise" matches as typed."""
    return html.unescape(response.content.decode())


def norm_title(catalog: CatalogVersion, code: str, language: str) -> str:
    return str(catalog.norms.get(code=code).title[language])


@pytest.mark.django_db
def test_dashboard_in_dutch(assessment: Assessment, consultant_a: User) -> None:
    response = login(consultant_a).get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="nl-BE,nl")
    text = page_text(response)

    assert response.status_code == 200
    assert '<html lang="nl">' in text
    assert "<h2>Vragenlijsten</h2>" in text
    assert "Ondernemingsnummer (KBO)" in text
    assert "Overzicht" in text
    assert "In bewerking" in text
    assert "Een vragenlijst starten" in text
    assert "Questionnaires" not in text


@pytest.mark.django_db
def test_dashboard_in_french(assessment: Assessment, consultant_a: User) -> None:
    response = login(consultant_a).get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="fr-BE,fr")
    text = page_text(response)

    assert response.status_code == 200
    assert '<html lang="fr">' in text
    assert "<h2>Questionnaires</h2>" in text
    assert "Numéro d'entreprise (BCE)" in text
    assert "Tableau de bord" in text
    assert "En cours" in text
    assert "Commencer un questionnaire" in text
    assert "Vragenlijsten" not in text


@pytest.mark.django_db
def test_questionnaire_in_dutch(
    catalog: CatalogVersion, assessment: Assessment, consultant_a: User
) -> None:
    response = login(consultant_a).get(
        f"{QUESTIONNAIRE}?chapter=4.1", HTTP_ACCEPT_LANGUAGE="nl"
    )
    text = page_text(response)

    assert response.status_code == 200
    assert f"<h1>Vragenlijst {YEAR}</h1>" in text
    assert norm_title(catalog, "4.1", "nl") in text
    assert norm_title(catalog, "4.1", "fr") not in text
    assert "Hoe de score wordt berekend" in text
    # Dutch plural: 0 takes the plural form.
    assert "0 bewijsstukken" in text


@pytest.mark.django_db
def test_questionnaire_in_french_after_setlang(
    catalog: CatalogVersion, assessment: Assessment, consultant_a: User
) -> None:
    client = login(consultant_a)

    switched = client.post("/i18n/setlang/", {"language": "fr", "next": DASHBOARD})
    response = client.get(f"{QUESTIONNAIRE}?chapter=4.1")
    text = page_text(response)

    assert switched.status_code == 302
    assert response.status_code == 200
    assert '<html lang="fr">' in text
    assert f"<h1>Questionnaire {YEAR}</h1>" in text
    assert norm_title(catalog, "4.1", "fr") in text
    assert norm_title(catalog, "4.1", "en") not in text
    assert "Mode de calcul du score" in text
    assert "Enregistrer" in text
    # French plural: 0 and 1 take the singular form.
    assert "0 pièce justificative" in text
    assert "0 pièces" not in text


@pytest.mark.django_db
def test_python_message_in_french(assessment: Assessment, consultant_a: User) -> None:
    client = login(consultant_a)
    client.post("/i18n/setlang/", {"language": "fr", "next": DASHBOARD})

    response = client.post(
        "/c/centre-a/questionnaires/start/", {"year": YEAR + 1}, follow=True
    )
    text = page_text(response)

    assert response.status_code == 200
    assert f"Questionnaire {YEAR + 1} créé." in text


@pytest.mark.django_db
def test_python_error_in_dutch_names_value(
    assessment: Assessment, consultant_a: User
) -> None:
    response = login(consultant_a).post(
        "/c/centre-a/questionnaires/start/",
        {"year": YEAR},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    text = page_text(response)

    assert response.status_code == 400
    assert f"Er bestaat al een vragenlijst voor {YEAR}." in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "label"),
    [("nl", "- Kies een optie -"), ("fr", "- Choisir une option -")],
)
def test_blank_choice_translated(consultant_a: User, language: str, label: str) -> None:
    response = login(consultant_a).get(
        "/c/centre-a/registers/card-readers/new/",
        HTTP_ACCEPT_LANGUAGE=f"{language}-BE,{language}",
    )
    text = page_text(response)

    assert response.status_code == 200
    assert f'<option value="" selected>{label}</option>' in text
    assert "Select an option" not in text
