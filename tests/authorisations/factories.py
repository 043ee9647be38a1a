"""Authorisations and reviews for the tests, made through the services."""

import datetime
from typing import Any

from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.authorisations.models import Authorisation
from vigil.registers.authorisations.specs import AUTHORISATIONS


def authorisation(
    organisation: Organisation, person: str = "An Peeters", **values: Any
) -> Authorisation:
    """Create an authorisation from the spec's example with ``values`` over it."""
    fields = {**AUTHORISATIONS.example(organisation), "person_name": person}
    fields.update(
        {
            name: value.isoformat() if isinstance(value, datetime.date) else value
            for name, value in values.items()
        }
    )
    record = services.create_record(AUTHORISATIONS, organisation, fields, actor=None)
    assert isinstance(record, Authorisation)
    return record
