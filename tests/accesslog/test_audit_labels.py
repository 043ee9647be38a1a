"""Access-log values on the audit trail: counts shown as counts, labels translated."""

from typing import Any, cast

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.translation import trans_real

from tests.accesslog.factories import event
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.models import AccessEntry
from vigil.audit.display import KEY_LABELS, value_lines
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.django_db

# The keys that the access log's calls of ``record`` store, by object type.
STORED_KEYS = {
    "accesslog.apitoken": ["name", "prefix", "scope", "revoked_at"],
    "accesslog.accessentry": [
        *("subject_pseudonym", "user_id", "person", "since", "until"),
        *("application", "service", "action", "from", "to", "entries"),
        *("expired", "tree_size", "previous_size", "first_index"),
        *("first_kept_index", "cutoff", "source", "accepted", "duplicates"),
        "checkpoint_size",
    ],
    "accesslog.identityperiod": [
        *("user_id", "person_name", "person_reference", "valid_from"),
        "valid_until",
    ],
    "accesslog.verificationrun": ["ok", "size", "first_divergent_index", "message"],
    "accesslog.logcheckpoint": ["size", "root_hash"],
    "accesslog.logkeys": ["origin", "verifier_key"],
    "accesslog.watchedsubject": ["label", "subject_pseudonym"],
    "accesslog.opencase": ["added", "removed", "total"],
    "accesslog.finding": [
        *("status", "new_entries", "since", "until", "entries", "findings"),
        *("created", "updated", "reopened", "note", "own_user_id"),
    ],
}


def english_label(object_type: str, key: str) -> str:
    """Return the untranslated label of a stored key, as its catalogues list it."""
    registered = KEY_LABELS.get(object_type, {})
    with translation.override("en"):
        if key in registered:
            return str(registered[key])
        try:
            field = apps.get_model(object_type)._meta.get_field(key)
        except FieldDoesNotExist:
            return ""
        return str(getattr(field, "verbose_name", ""))


def test_detection_run_entries_count(centre_a: Organisation) -> None:
    ingest_events(centre_a, [(1, event(1)), (2, event(2))], source="test")
    entry = AccessEntry.objects.filter(organisation=centre_a).first()
    assert entry is not None

    with translation.override("en"):
        lines = value_lines(
            "accesslog.finding", centre_a.pk, {"entries": entry.pk, "findings": 0}
        )

    assert [line.text for line in lines] == [str(entry.pk), "0"]
    assert [line.label for line in lines] == ["Number of entries", "Findings"]


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_stored_keys_translated(language: str) -> None:
    # Django has no public look-up that distinguishes a translation equal to
    # its message id, such as French "source", from a missing one.
    catalogue = cast(Any, trans_real.translation(language))._catalog
    untranslated = []
    for object_type, keys in STORED_KEYS.items():
        for key in keys:
            label = english_label(object_type, key)
            if not label or label not in catalogue:
                untranslated.append(f"{object_type} {key} {label!r}")

    assert untranslated == []


@pytest.mark.parametrize(
    ("language", "key", "label"),
    [
        ("nl", "source", "Bron"),
        ("nl", "accepted", "Aanvaarde logregels"),
        ("nl", "tree_size", "Boomgrootte (logregels)"),
        ("fr", "source", "Source"),
        ("fr", "accepted", "Entrées acceptées"),
        ("fr", "tree_size", "Taille de l'arbre (entrées)"),
    ],
)
def test_ingestion_labels_translated(language: str, key: str, label: str) -> None:
    with translation.override(language):
        lines = value_lines("accesslog.accessentry", None, {key: 1})

    assert [line.label for line in lines] == [label]
