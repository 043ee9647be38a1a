"""``vigil assessment export|import``: a questionnaire as a file and back.

An administrator's command: it finds the centre and its questionnaire by
slug and year, without a request or a membership.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.accounts.models import Membership, User
from vigil.accounts.roles import Capability
from vigil.assessments.importing import ImportInvalid, import_assessment_xlsx
from vigil.assessments.models import Assessment
from vigil.assessments.services import AssessmentLocked
from vigil.commands import Command as VigilCommand
from vigil.commands import CommandActor, command_actor
from vigil.reports.exporters import EXPORTERS
from vigil.reports.questionnaire import build_document


class Command(VigilCommand):
    help = "Export a questionnaire as PDF, ODT, DOCX or XLSX, or import an XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = commands.add_parser(
            "export",
            help="Write the questionnaire of a centre and year to a file.",
            description="Write the questionnaire of a centre and year to a file.",
        )
        _add_target_arguments(export)
        export.add_argument(
            "--format",
            required=True,
            choices=sorted(EXPORTERS),
            help="File format to write.",
        )
        export.add_argument(
            "--output", required=True, type=Path, help="Path of the file to write."
        )
        export.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help=f"Language of the file (default: {settings.LANGUAGE_CODE}).",
        )

        imported = commands.add_parser(
            "import",
            help="Apply the answers of an XLSX file exported by Vigil, "
            "all rows or none.",
            description="Apply the answers of an XLSX file exported by Vigil, "
            "all rows or none.",
        )
        _add_target_arguments(imported)
        imported.add_argument("file", type=Path, help="The XLSX file to import.")
        imported.add_argument(
            "--as",
            dest="actor",
            metavar="EMAIL",
            help="E-mail address of the user to record as the author of the "
            "changes, who needs an editing role in the centre "
            "(default: the operating-system user who runs the command).",
        )
        imported.add_argument(
            "--force",
            action="store_true",
            help="Overwrite answers that changed after the file was exported. "
            "Their history records the overwrite.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        assessment = _find_assessment(options["org"], options["year"])
        if options["action"] == "export":
            self._export(assessment, options)
        else:
            self._import(assessment, options)

    def _export(self, assessment: Assessment, options: dict[str, Any]) -> None:
        exporter = EXPORTERS[options["format"]]
        document = build_document(assessment, options["language"])
        exported = exporter.render(document)
        output: Path = options["output"]
        try:
            output.write_bytes(exported.content)
        except OSError as error:
            raise CommandError(
                f"Cannot write {output}: {error.strerror}. Choose a writable path."
            ) from None
        self.stdout.write(f"wrote {output} ({len(exported.content)} bytes)")

    def _import(self, assessment: Assessment, options: dict[str, Any]) -> None:
        actor = _find_actor(options["actor"], assessment)
        path: Path = options["file"]
        try:
            with path.open("rb") as file:
                result = import_assessment_xlsx(
                    assessment, file, actor=actor, overwrite_newer=options["force"]
                )
        except OSError as error:
            raise CommandError(
                f"Cannot read {path}: {error.strerror}. Give the path of an XLSX file."
            ) from None
        except AssessmentLocked as error:
            raise CommandError(" ".join(error.messages)) from None
        except ImportInvalid as error:
            lines = "\n".join(str(row_error) for row_error in error.errors)
            if error.has_stale_rows:
                lines += "\n" + _stale_fix()
            raise CommandError(
                f"{path} was not imported, nothing changed:\n{lines}"
            ) from None
        noun = "answer" if result.changed == 1 else "answers"
        summary = (
            f"imported {path}: {result.rows} rows, {result.changed} {noun} changed"
        )
        if result.overwritten:
            newer = "answer" if result.overwritten == 1 else "answers"
            summary += f", {result.overwritten} newer {newer} overwritten"
        self.stdout.write(summary)


def _add_target_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--org", required=True, help="Short name (slug) of the centre, e.g. ocmw-gent."
    )
    parser.add_argument(
        "--year", required=True, type=int, help="Year of the questionnaire, e.g. 2026."
    )


def _find_assessment(slug: str, year: int) -> Assessment:
    assessment = (
        Assessment.objects.select_related("organisation", "catalog")
        .filter(organisation__slug=slug, year=year)
        .first()
    )
    if assessment is None:
        raise CommandError(
            f"No questionnaire {year} found for organisation “{slug}”. "
            "Check the slug with “vigil org list” and the year."
        )
    return assessment


def _stale_fix() -> str:
    return _(
        "The file would undo answers that changed after it was exported. "
        "Export the questionnaire again and copy your changes into the new "
        "file, or run the import again with --force to replace those answers "
        "on purpose."
    )


def _find_actor(email: str | None, assessment: Assessment) -> User | CommandActor:
    if email is None:
        return command_actor()
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise CommandError(
            f"No active user with e-mail address “{email}” found. "
            "Give the address of an existing user or leave out --as."
        )
    membership = (
        Membership.objects.active()
        .filter(user=user, organisation=assessment.organisation)
        .first()
    )
    if membership is None or not membership.grants(Capability.EDIT_ASSESSMENT):
        raise CommandError(
            f"User {user.email} has no role in “{assessment.organisation.slug}” "
            "that may edit the questionnaire. Grant one or leave out --as."
        )
    return user
