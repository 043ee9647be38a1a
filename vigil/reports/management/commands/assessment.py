"""``vigil assessment export|import``: a questionnaire as a file and back.

An administrator's command: it finds the centre and its questionnaire by
slug and year, without a request or a membership.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.accounts.models import Membership, User
from vigil.accounts.roles import Capability
from vigil.assessments.importing import (
    ImportInvalid,
    ImportResult,
    import_assessment_xlsx,
)
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
                _("Cannot write %(path)s: %(reason)s. Choose a writable path.")
                % {"path": output, "reason": error.strerror}
            ) from None
        size = len(exported.content)
        self.stdout.write(
            ngettext(
                "wrote %(path)s (%(size)s byte)",
                "wrote %(path)s (%(size)s bytes)",
                size,
            )
            % {"path": output, "size": size}
        )

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
                _("Cannot read %(path)s: %(reason)s. Give the path of an XLSX file.")
                % {"path": path, "reason": error.strerror}
            ) from None
        except AssessmentLocked as error:
            raise CommandError(" ".join(error.messages)) from None
        except ImportInvalid as error:
            lines = "\n".join(str(row_error) for row_error in error.errors)
            if error.has_stale_rows:
                lines += "\n" + _stale_fix()
            raise CommandError(
                _("%(path)s was not imported, nothing changed:") % {"path": path}
                + "\n"
                + lines
            ) from None
        self.stdout.write(_import_summary(path, result))


def _import_summary(path: Path, result: ImportResult) -> str:
    """Return the line that reports an import, such as "imported q.xlsx: …"."""
    rows = ngettext("%(count)s row", "%(count)s rows", result.rows) % {
        "count": result.rows
    }
    changed = ngettext(
        "%(count)s answer changed", "%(count)s answers changed", result.changed
    ) % {"count": result.changed}
    summary = _("imported %(path)s: %(rows)s, %(changed)s") % {
        "path": path,
        "rows": rows,
        "changed": changed,
    }
    if result.overwritten:
        overwritten = ngettext(
            "%(count)s newer answer overwritten",
            "%(count)s newer answers overwritten",
            result.overwritten,
        ) % {"count": result.overwritten}
        summary += ", " + overwritten
    return summary


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
            _(
                "No questionnaire %(year)s found for organisation “%(slug)s”. "
                "Check the slug with “vigil org list” and the year."
            )
            % {"year": year, "slug": slug}
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
            _(
                "No active user with e-mail address “%(email)s” found. "
                "Give the address of an existing user or leave out --as."
            )
            % {"email": email}
        )
    membership = (
        Membership.objects.active()
        .filter(user=user, organisation=assessment.organisation)
        .first()
    )
    if membership is None or not membership.grants(Capability.EDIT_ASSESSMENT):
        raise CommandError(
            _(
                "User %(email)s has no role in “%(slug)s” that may edit the "
                "questionnaire. Grant one or leave out --as."
            )
            % {"email": user.email, "slug": assessment.organisation.slug}
        )
    return user
