"""Creating, changing, importing and exporting register records.

Every change goes through this module so that it is validated by the
register's form, saved in one transaction and written to the audit trail
with the old and new wire values, which is the record's history.
"""

import hashlib
import mimetypes
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from vigil.assessments.services import check_evidence_file
from vigil.audit.models import AuditEntry
from vigil.audit.services import record as audit
from vigil.labels import labelled
from vigil.organisations.models import Organisation
from vigil.registers import tabular, wire
from vigil.registers.forms import RegisterForm, build_form, form_data_and_errors
from vigil.registers.models import Attachment, RegisterRecord
from vigil.registers.spec import RegisterSpec, Rows

if TYPE_CHECKING:
    from django.core.files import File

# An id in a file: ASCII digits that fit a 64-bit primary key. str.isdigit()
# also accepts "²" and Arabic-Indic digits, which the database rejects.
RECORD_ID = re.compile(r"[0-9]{1,18}")


class RecordInvalid(Exception):
    """A record that fails validation; ``errors`` maps each field to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        """Return the error as the import page shows it, in the active language."""
        where = _("line %(number)d") % {"number": self.line}
        if self.field:
            # A column name of the file, which is the same in every language.
            where += f", {self.field}"
            if self.value:
                where += f" {self.value!r}"
        return labelled(where, self.message)


class ImportRejected(Exception):
    """A file with at least one bad row; nothing of it was saved."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def save_form(spec: RegisterSpec, form: RegisterForm, *, actor: Any) -> RegisterRecord:
    """Save a valid bound form and write the history entry; raise RecordInvalid."""
    if not form.is_valid():
        raise RecordInvalid(_form_errors(form))
    record: RegisterRecord = form.instance
    is_new = record.pk is None
    old = {} if is_new else _stored_values(spec, record)
    try:
        record.validate_constraints()
    except ValidationError as error:
        raise RecordInvalid(_error_dict(error)) from None
    with transaction.atomic():
        form.save()
        new = wire.json_values(spec, record)
        if is_new:
            _audit("register.record_created", spec, record, actor, new=new)
        else:
            changed_old, changed_new = _changes(old, new)
            if changed_new:
                _audit(
                    "register.record_changed",
                    spec,
                    record,
                    actor,
                    old=changed_old,
                    new=changed_new,
                )
    return record


def create_record(
    spec: RegisterSpec,
    organisation: Organisation,
    values: Mapping[str, Any],
    *,
    actor: Any,
) -> RegisterRecord:
    """Create a record from wire values (text or JSON types)."""
    return save_form(spec, _bound(spec, organisation, values, None), actor=actor)


def update_record(
    spec: RegisterSpec,
    record: RegisterRecord,
    values: Mapping[str, Any],
    *,
    actor: Any,
) -> RegisterRecord:
    """Change the fields named in ``values``; the others keep their value."""
    organisation = record.organisation
    return save_form(spec, _bound(spec, organisation, values, record), actor=actor)


def delete_record(spec: RegisterSpec, record: RegisterRecord, *, actor: Any) -> None:
    """Delete a record; its history and attachments' history stay in the trail.

    The spec's ``before_delete`` runs in the same transaction, so the records
    it updates change only if the record is deleted. Raise RecordInvalid when
    other records still refer to it.
    """
    old = wire.json_values(spec, record)
    label = str(record)
    try:
        with transaction.atomic():
            _audit("register.record_deleted", spec, record, actor, old=old)
            if spec.before_delete is not None:
                spec.before_delete(record, actor)
            attachments_of(record).delete()
            record.delete()
    except ValidationError as error:
        raise RecordInvalid(_error_dict(error)) from None
    except models.ProtectedError:
        message = _(
            "“%(record)s” is still used by other records; remove or change those first."
        ) % {"record": label}
        raise RecordInvalid({"__all__": [message]}) from None


def history(record: RegisterRecord) -> "models.QuerySet[AuditEntry]":
    """Return the trail entries of one record, newest first."""
    return AuditEntry.objects.filter(
        organisation=record.organisation,
        object_type=record._meta.label_lower,
        object_id=str(record.pk),
    ).order_by("-created_at", "-id")


def export_table(
    spec: RegisterSpec, records: "models.QuerySet[Any]"
) -> tuple[list[str], list[list[str]]]:
    """Return the header and the rows of an export of ``records``."""
    return wire.header(spec), [wire.text_row(spec, record) for record in records]


def render_export(
    spec: RegisterSpec, records: "models.QuerySet[Any]", fmt: str
) -> bytes:
    header, rows = export_table(spec, records)
    if fmt == "csv":
        return tabular.render_csv(header, rows)
    if fmt == "xlsx":
        return tabular.render_xlsx(str(spec.title), header, rows, wire.labels(spec))
    raise ValueError(f"unknown export format {fmt!r}; use csv or xlsx")


def read_rows(spec: RegisterSpec, content: bytes, fmt: str = "") -> Rows:
    """Parse a file in Vigil's own table format or one of the spec's formats."""
    if not fmt or fmt == "table":
        return tabular.read_table(content)
    found = spec.import_format(fmt)
    if found is None:
        names = ", ".join(["table", *(f.name for f in spec.import_formats)])
        raise tabular.TableError(
            _("unknown import format %(format)s. Use one of %(names)s")
            % {"format": repr(fmt), "names": names}
        )
    tabular.check_size(len(content))
    rows = found.parse(content)
    if len(rows) > tabular.MAX_ROWS:
        raise tabular.TableError(
            _("the file has more than %(limit)d rows; split it")
            % {"limit": tabular.MAX_ROWS}
        )
    return rows


def import_rows(
    spec: RegisterSpec, organisation: Organisation, rows: Rows, *, actor: Any
) -> ImportResult:
    """Create or update every row, or none when one row is bad.

    A row whose ``id`` names a record of the centre updates it; a row without
    an ``id`` creates a record. Every bad row is reported with its line.
    """
    # Unknown columns are reported with the rows' own errors, so one round
    # shows everything that is wrong with the file.
    errors = _header_errors(spec, rows)
    forms: list[tuple[int, dict[str, str], RegisterForm]] = []
    for line, values in rows:
        form, row_errors = _row_form(spec, organisation, line, values)
        errors.extend(row_errors)
        if form is not None:
            forms.append((line, values, form))
    if errors:
        raise ImportRejected(errors)
    created = updated = 0
    with transaction.atomic():
        for line, values, form in forms:
            is_new = form.instance.pk is None
            try:
                save_form(spec, form, actor=actor)
            except RecordInvalid as error:
                errors.extend(_row_errors(line, error.errors, values))
                continue
            created += is_new
            updated += not is_new
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportRejected(errors)
    if created or updated:
        audit(
            "register.imported",
            actor=actor,
            organisation=organisation,
            object_type=spec.label,
            object_label=str(spec.title),
            new={"register": spec.slug, "created": created, "updated": updated},
        )
    return ImportResult(created, updated)


def attachments_of(record: RegisterRecord) -> "models.QuerySet[Attachment]":
    return Attachment.objects.filter(
        organisation=record.organisation,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
    )


def add_attachment(
    record: RegisterRecord, upload: "File[bytes]", *, actor: Any
) -> Attachment:
    """Keep a file with a record, named by its SHA-256 on disk."""
    check_evidence_file(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = PurePath(upload.name or "attachment").name[:255]
    attachment = Attachment(
        organisation=record.organisation,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        original_name=name,
        media_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    with transaction.atomic():
        attachment.file.save(attachment.sha256, upload, save=False)
        attachment.save()
        audit(
            "register.attachment_added",
            actor=actor,
            target=record,
            organisation=record.organisation,
            new={"name": name, "sha256": attachment.sha256},
        )
    return attachment


def remove_attachment(attachment: Attachment, *, actor: Any) -> None:
    record = attachment.record
    with transaction.atomic():
        audit(
            "register.attachment_removed",
            actor=actor,
            target=record if isinstance(record, models.Model) else attachment,
            organisation=attachment.organisation,
            old={"name": attachment.original_name, "sha256": attachment.sha256},
        )
        attachment.delete()


def _bound(
    spec: RegisterSpec,
    organisation: Organisation,
    values: Mapping[str, Any],
    instance: RegisterRecord | None,
) -> RegisterForm:
    unknown = sorted(set(values) - {wire.ID, *spec.fields})
    errors: dict[str, list[str]] = {
        name: [_("Unknown field; remove it.")] for name in unknown
    }
    data, refused = form_data_and_errors(spec, organisation, values, instance=instance)
    form = build_form(spec, organisation, data, instance=instance)
    if unknown or refused:
        errors.update(_merged(form, refused))
        raise RecordInvalid(errors)
    return form


def _merged(form: RegisterForm, refused: Mapping[str, str]) -> dict[str, list[str]]:
    """Return every field's errors: the refused wire values, then the form's."""
    errors = {name: [message] for name, message in refused.items()}
    if not form.is_valid():
        for name, messages in _form_errors(form).items():
            errors.setdefault(name, messages)
    return errors


def _header_errors(spec: RegisterSpec, rows: Rows) -> list[RowError]:
    known = {wire.ID, *spec.fields}
    names = {name for _line, values in rows for name in values}
    return [
        RowError(
            1,
            name,
            "",
            _("Unknown column; the columns are: %(names)s.")
            % {"names": ", ".join(wire.header(spec))},
        )
        for name in sorted(names - known)
    ]


def _row_form(
    spec: RegisterSpec, organisation: Organisation, line: int, values: dict[str, str]
) -> tuple[RegisterForm | None, list[RowError]]:
    instance = None
    record_id = values.get(wire.ID, "")
    if record_id:
        instance = (
            spec.model._default_manager.filter(
                organisation=organisation, pk=record_id
            ).first()
            if RECORD_ID.fullmatch(record_id)
            else None
        )
        if instance is None:
            message = _("No record with this id in this centre; leave id empty to add.")
            return None, [RowError(line, wire.ID, record_id, message)]
    fields = {name: value for name, value in values.items() if name != wire.ID}
    data, refused = form_data_and_errors(spec, organisation, fields, instance=instance)
    form = build_form(spec, organisation, data, instance=instance)
    if refused or not form.is_valid():
        return None, _row_errors(line, _merged(form, refused), values)
    return form, []


def _row_errors(
    line: int, errors: dict[str, list[str]], values: Mapping[str, str]
) -> list[RowError]:
    return [
        RowError(line, "" if name == "__all__" else name, values.get(name, ""), message)
        for name, messages in errors.items()
        for message in messages
    ]


def _form_errors(form: RegisterForm) -> dict[str, list[str]]:
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


def _error_dict(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            name: [str(message) for message in messages]
            for name, messages in error.message_dict.items()
        }
    return {"__all__": [str(message) for message in error.messages]}


def _stored_values(spec: RegisterSpec, record: RegisterRecord) -> dict[str, Any]:
    stored = spec.model._default_manager.get(pk=record.pk)
    return wire.json_values(spec, stored)


def _changes(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    names: Sequence[str] = [name for name in new if old.get(name) != new[name]]
    return {name: old.get(name) for name in names}, {name: new[name] for name in names}


def _audit(
    action: str,
    spec: RegisterSpec,
    record: RegisterRecord,
    actor: Any,
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    audit(
        action,
        actor=actor,
        target=record,
        organisation=record.organisation,
        old=old,
        new=new,
    )
