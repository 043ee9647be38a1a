"""Creating and changing organisations and their sites."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vigil.audit.services import record
from vigil.organisations.models import Organisation, Site, normalise_enterprise_number


@transaction.atomic
def create_organisation(
    *,
    slug: str,
    kind: str,
    name_nl: str,
    name_fr: str,
    enterprise_number: str,
    language: str = Organisation.Language.DUTCH,
    street: str = "",
    postcode: str = "",
    municipality: str = "",
    sites: list[str] | None = None,
    actor: Any,
) -> Organisation:
    """Create an organisation with its sites after validating every field."""
    organisation = Organisation(
        slug=slug,
        kind=kind,
        name_nl=name_nl,
        name_fr=name_fr,
        language=language,
        enterprise_number=normalise_enterprise_number(enterprise_number),
        street=street,
        postcode=postcode.strip(),
        municipality=municipality,
    )
    try:
        organisation.full_clean()
    except ValidationError as error:
        if "enterprise_number" in getattr(error, "error_dict", {}):
            # Report the number as typed, not the compacted form.
            organisation.enterprise_number = enterprise_number
            error = _with_typed_number(error, enterprise_number)
        raise error
    organisation.save()
    record(
        "organisation.created",
        actor=actor,
        target=organisation,
        organisation=organisation,
        new={
            "slug": slug,
            "kind": kind,
            "language": language,
            "enterprise_number": organisation.enterprise_number,
        },
    )
    for name in sites or [name_nl]:
        site = Site.objects.create(organisation=organisation, name=name)
        record(
            "site.created",
            actor=actor,
            target=site,
            organisation=organisation,
            new={"name": name},
        )
    return organisation


# The fields ``update_organisation`` may change. The slug, kind and
# enterprise number identify the organisation and stay as created.
UPDATABLE_FIELDS = (
    "name_nl",
    "name_fr",
    "language",
    "street",
    "postcode",
    "municipality",
)


@transaction.atomic
def update_organisation(
    organisation: Organisation, *, actor: Any, **changes: str
) -> Organisation:
    """Change the named fields after validating them all, recording old and new.

    Raises ValidationError, changing nothing, for an invalid value or a field
    that is not in ``UPDATABLE_FIELDS``.
    """
    unknown = sorted(set(changes) - set(UPDATABLE_FIELDS))
    if unknown:
        raise ValidationError(
            {
                field: _("%(field)s cannot be changed, only %(fields)s can.")
                % {"field": field, "fields": ", ".join(UPDATABLE_FIELDS)}
                for field in unknown
            }
        )
    if "postcode" in changes:
        changes["postcode"] = changes["postcode"].strip()
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    old = {field: getattr(current, field) for field in changes}
    changed = {field: value for field, value in changes.items() if old[field] != value}
    if not changed:
        return current
    for field, value in changed.items():
        setattr(current, field, value)
    current.full_clean()
    current.save(update_fields=list(changed))
    record(
        "organisation.updated",
        actor=actor,
        target=current,
        organisation=current,
        old={field: old[field] for field in changed},
        new=changed,
    )
    return current


def _with_typed_number(error: ValidationError, typed: str) -> ValidationError:
    messages = error.message_dict
    compact = normalise_enterprise_number(typed)
    messages["enterprise_number"] = [
        m.replace(compact, typed) for m in messages["enterprise_number"]
    ]
    return ValidationError(messages)
