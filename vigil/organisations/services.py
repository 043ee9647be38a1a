"""Creating organisations and their sites."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

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


def _with_typed_number(error: ValidationError, typed: str) -> ValidationError:
    messages = error.message_dict
    compact = normalise_enterprise_number(typed)
    messages["enterprise_number"] = [
        m.replace(compact, typed) for m in messages["enterprise_number"]
    ]
    return ValidationError(messages)
