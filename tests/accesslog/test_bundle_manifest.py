"""The signed manifest of a bundle: vigil-verify checks that no entry of the
period was removed, added or moved in from another period."""

import base64
import datetime
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.accesslog.factories import empty_as_expired, event, ingest_batches
from tests.accesslog.test_bundle import (
    END,
    START,
    edit_bundle,
    export,
    printed,
    run_verify,
    vkey,
)
from vigil.accesslog.bundle import export_bundle
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.keys import ensure_log_keys, signer_for
from vigil.accesslog.models import LogCheckpoint
from vigil.accesslog.verify_cli_bundle import (
    BUNDLE_FORMAT_WITHOUT_EXPIRED,
    BUNDLE_FORMAT_WITHOUT_MANIFEST,
    _indices_text,
)
from vigil.ledger import Ed25519Signer, Ed25519Verifier, open_manifest, sign_manifest
from vigil.organisations.models import Organisation

type Bundle = dict[str, Any]

APRIL_START = datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC)
APRIL_END = datetime.datetime(2026, 4, 2, tzinfo=datetime.UTC)


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    """Fifteen entries on 2 March 2026 and one on 1 April, in a tree of 16."""
    ingest_batches(centre_a, 3, 5)
    ingest_events(
        centre_a, [(1, event(99, time="2026-04-01T08:00:00Z"))], source="test"
    )
    return centre_a


def load(path: Path) -> Bundle:
    loaded: Bundle = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def export_april(organisation: Organisation, tmp_path: Path) -> Bundle:
    path = tmp_path / "april.json"
    with path.open("w", encoding="utf-8") as stream:
        export_bundle(organisation, APRIL_START, APRIL_END, stream, actor=None)
    return load(path)


def verifier(organisation: Organisation) -> Ed25519Verifier:
    return Ed25519Verifier.from_verifier_key(vkey(organisation))


def test_manifest_states_listed_entries(log: Organisation, tmp_path: Path) -> None:
    bundle = load(export(log, tmp_path))
    assert list(bundle)[-1] == "manifest"
    manifest = open_manifest(bundle["manifest"], verifier(log), bundle["origin"])
    assert (manifest.start, manifest.end) == (START, END)
    assert (manifest.entries, manifest.tree_size) == (15, 16)
    assert base64.b64encode(manifest.root_hash).decode() == bundle["root_hash"]
    listed = b"".join(
        entry["index"].to_bytes(8, "big") + base64.b64decode(entry["leaf_hash"])
        for entry in bundle["entries"]
    )
    assert manifest.entries_digest == hashlib.sha256(listed).digest()


def test_verify_states_what_manifest_attests(log: Organisation, tmp_path: Path) -> None:
    result = run_verify(str(export(log, tmp_path)), "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    key = f"{ensure_log_keys(log).origin}+{verifier(log).key_id:08x}"
    assert printed(result)[1] == (
        f"OK: the manifest signed by {key} states that the tree of size 16 has 15 "
        "entries with a time from 2026-03-01T00:00:00.000Z to before "
        "2026-03-03T00:00:00.000Z, and the bundle lists exactly those"
    )


def test_one_entry_in_singular(log: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "april.json"
    path.write_text(json.dumps(export_april(log, tmp_path)), encoding="utf-8")
    result = run_verify(str(path), "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 1 entry is in the tree of size 16 ")
    assert "has 1 entry with a time from 2026-04-01" in result.stdout
    assert "and the bundle lists exactly that one" in result.stdout


def test_empty_period_verifies(log: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    with path.open("w", encoding="utf-8") as stream:
        export_bundle(
            log, APRIL_END, APRIL_END + datetime.timedelta(days=1), stream, actor=None
        )
    result = run_verify(str(path), "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 0 entries are in the tree of size 16 ")
    assert "has no entries with a time from 2026-04-02" in result.stdout
    assert "and the bundle lists none" in result.stdout


def verify_edited(
    log: Organisation, tmp_path: Path, change: Callable[[Bundle], None]
) -> str:
    """Export the March bundle, apply ``change`` and return vigil-verify's error."""
    path = export(log, tmp_path)
    edit_bundle(path, change)
    result = run_verify(str(path), "--key", vkey(log))
    assert result.returncode == 1, result.stdout
    assert "OK" not in result.stdout
    return result.stderr


def test_deleted_entry_fails(log: Organisation, tmp_path: Path) -> None:
    error = verify_edited(log, tmp_path, lambda bundle: bundle["entries"].pop(4))
    assert error == (
        "FAILED: the bundle lists 14 entries, but its signed manifest states 15, "
        "so entries were removed from the bundle\n"
    )


def test_added_duplicate_fails(log: Organisation, tmp_path: Path) -> None:
    error = verify_edited(
        log,
        tmp_path,
        lambda bundle: bundle["entries"].insert(5, bundle["entries"][4]),
    )
    assert error == "FAILED: entry 4 is listed twice\n"


@pytest.mark.parametrize(
    ("member", "value"),
    [("from", "2026-03-02T00:00:00.000Z"), ("to", "2026-03-02T10:00:00.000Z")],
)
def test_edited_period_fails(
    log: Organisation, tmp_path: Path, member: str, value: str
) -> None:
    error = verify_edited(log, tmp_path, lambda bundle: bundle.update({member: value}))
    assert error.startswith("FAILED: the bundle states the period from ")
    assert repr(value) in error
    assert (
        "but its signed manifest states the period from "
        "2026-03-01T00:00:00.000Z to 2026-03-03T00:00:00.000Z"
    ) in error


def test_entry_outside_period_fails(log: Organisation, tmp_path: Path) -> None:
    april = export_april(log, tmp_path)
    error = verify_edited(
        log, tmp_path, lambda bundle: bundle["entries"].extend(april["entries"])
    )
    assert error == (
        "FAILED: entry 15: its time 2026-04-01T08:00:00.000Z is outside the "
        "bundle's period from 2026-03-01T00:00:00.000Z to before "
        "2026-03-03T00:00:00.000Z\n"
    )


def test_swapped_entry_without_leaf_fails(log: Organisation, tmp_path: Path) -> None:
    """An entry of another period whose leaf bytes are dropped, as if it had
    expired, has no time to check, but it follows entries with leaf bytes."""
    april = export_april(log, tmp_path)

    def swap(bundle: Bundle) -> None:
        bundle["entries"].pop(4)
        bundle["entries"].append({**april["entries"][0], "leaf": None})

    error = verify_edited(log, tmp_path, swap)
    assert error == (
        "FAILED: entry 15 has no leaf bytes, but entry 14 before it has them. "
        "Expiry empties the oldest entries first, so the content of entry 15 was "
        "removed\n"
    )


@pytest.mark.usefixtures("one_day_retention")
def test_swapped_expired_entry_fails(log: Organisation, tmp_path: Path) -> None:
    """Among expired entries, a swapped one changes the manifest's digest."""
    empty_as_expired(log, range(16))
    april = export_april(log, tmp_path)

    def swap(bundle: Bundle) -> None:
        bundle["entries"].pop(4)
        bundle["entries"].append(april["entries"][0])

    error = verify_edited(log, tmp_path, swap)
    assert error.startswith(
        "FAILED: the bundle's entries are not the ones that its signed manifest "
        "lists: their digest is "
    )


def test_manifest_by_other_key_fails(log: Organisation, tmp_path: Path) -> None:
    origin = ensure_log_keys(log).origin
    impostor = Ed25519Signer.generate(origin)

    def resign(bundle: Bundle) -> None:
        manifest = open_manifest(bundle["manifest"], verifier(log), origin)
        bundle["manifest"] = sign_manifest(manifest, impostor)

    error = verify_edited(log, tmp_path, resign)
    assert error == (
        "FAILED: the bundle's manifest does not verify: note has no signature by "
        f"a known key: it is signed by {origin}+{impostor.key_id:08x}, but the "
        f"known key is {origin}+{verifier(log).key_id:08x}\n"
    )


def test_changed_manifest_body_fails(log: Organisation, tmp_path: Path) -> None:
    def hide_entry(bundle: Bundle) -> None:
        bundle["entries"].pop(4)
        bundle["manifest"] = bundle["manifest"].replace("entries 15", "entries 14")

    error = verify_edited(log, tmp_path, hide_entry)
    assert error.startswith("FAILED: the bundle's manifest does not verify: signature")
    assert "the text or the signature was changed" in error


def test_checkpoint_as_manifest_fails(log: Organisation, tmp_path: Path) -> None:
    error = verify_edited(
        log, tmp_path, lambda bundle: bundle.update(manifest=bundle["checkpoint"])
    )
    assert error.startswith("FAILED: the bundle's manifest does not verify: the first")
    assert "so the note is not a manifest" in error


def test_manifest_of_earlier_tree_fails(log: Organisation, tmp_path: Path) -> None:
    keys = ensure_log_keys(log)
    earlier = LogCheckpoint.objects.get(organisation=log, size=10)

    def replace_manifest(bundle: Bundle) -> None:
        manifest = open_manifest(bundle["manifest"], verifier(log), keys.origin)
        older = replace(
            manifest, tree_size=10, root_hash=bytes(earlier.root_hash), entries=10
        )
        bundle["manifest"] = sign_manifest(older, signer_for(keys))

    error = verify_edited(log, tmp_path, replace_manifest)
    assert error.startswith("FAILED: the manifest is of the tree of size 10 with root ")
    assert "but the bundle's checkpoint is of size 16 with root" in error


def test_bundle_without_manifest_fails(log: Organisation, tmp_path: Path) -> None:
    error = verify_edited(log, tmp_path, lambda bundle: bundle.pop("manifest"))
    assert error == (
        "FAILED: the bundle has no manifest, which its format "
        "vigil-accesslog-bundle/3 requires, so nothing shows that it lists every "
        "entry of its period\n"
    )


@pytest.mark.usefixtures("one_day_retention")
def test_manifest_states_expired_entries(log: Organisation, tmp_path: Path) -> None:
    origin = ensure_log_keys(log).origin
    fresh = load(export(log, tmp_path))
    assert open_manifest(fresh["manifest"], verifier(log), origin).expired == 0
    empty_as_expired(log, range(5))
    bundle = load(export(log, tmp_path))
    assert bundle["format"] == "vigil-accesslog-bundle/3"
    assert bundle["manifest"].startswith("vigil-accesslog-manifest/2\n")
    assert open_manifest(bundle["manifest"], verifier(log), origin).expired == 5


@pytest.mark.usefixtures("one_day_retention")
def test_leaf_dropped_after_expired_prefix_fails(
    log: Organisation, tmp_path: Path
) -> None:
    """Entries 0 to 4 expired, and the leaf bytes of entry 5 were dropped."""
    empty_as_expired(log, range(5))
    error = verify_edited(
        log, tmp_path, lambda bundle: bundle["entries"][5].update(leaf=None)
    )
    assert error == (
        "FAILED: entry 5 has no leaf bytes, but the signed manifest states that "
        "only the first 5 entries of the log had expired, so the content of "
        "entry 5 was removed\n"
    )


@pytest.mark.usefixtures("one_day_retention")
def test_leaf_added_to_expired_entry_fails(log: Organisation, tmp_path: Path) -> None:
    """The leaf bytes of an expired entry, taken from an earlier bundle."""
    earlier = load(export(log, tmp_path))
    empty_as_expired(log, range(5))
    error = verify_edited(
        log,
        tmp_path,
        lambda bundle: bundle["entries"][4].update(leaf=earlier["entries"][4]["leaf"]),
    )
    assert error == (
        "FAILED: entry 4 has leaf bytes, but the signed manifest states that the "
        "first 5 entries of the log had expired, which have none\n"
    )


def make_format_2(organisation: Organisation, bundle: Bundle) -> None:
    """Turn a bundle into one of format 2, whose manifest has no expired count."""
    keys = ensure_log_keys(organisation)
    manifest = open_manifest(bundle["manifest"], verifier(organisation), keys.origin)
    bundle["manifest"] = sign_manifest(
        replace(manifest, expired=None), signer_for(keys)
    )
    bundle["format"] = BUNDLE_FORMAT_WITHOUT_EXPIRED


@pytest.mark.usefixtures("one_day_retention")
def test_format_2_bundle_verifies_with_note(log: Organisation, tmp_path: Path) -> None:
    empty_as_expired(log, range(5))
    path = export(log, tmp_path)
    edit_bundle(path, lambda bundle: make_format_2(log, bundle))
    result = run_verify(str(path), "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    lines = printed(result)
    assert lines[1].startswith("OK: the manifest signed by ")
    assert lines[2] == (
        "NOTE: 5 of them, entries 0 to 4, have no leaf bytes (expired entries have "
        "none), so only their leaf hashes were checked, not their content or time"
    )
    assert len(lines) == 3


def test_format_2_bundle_with_dropped_leaf_fails(
    log: Organisation, tmp_path: Path
) -> None:
    def drop_leaf(bundle: Bundle) -> None:
        make_format_2(log, bundle)
        bundle["entries"][7]["leaf"] = None

    error = verify_edited(log, tmp_path, drop_leaf)
    assert error == (
        "FAILED: entry 7 has no leaf bytes, but entry 6 before it has them. "
        "Expiry empties the oldest entries first, so the content of entry 7 was "
        "removed\n"
    )


def test_format_not_of_manifest_fails(log: Organisation, tmp_path: Path) -> None:
    error = verify_edited(
        log,
        tmp_path,
        lambda bundle: bundle.update(format=BUNDLE_FORMAT_WITHOUT_EXPIRED),
    )
    assert error == (
        "FAILED: the bundle has format vigil-accesslog-bundle/2, but its manifest "
        "states the number of expired entries, which only format "
        "vigil-accesslog-bundle/3 has\n"
    )


@pytest.mark.parametrize(
    ("indices", "text"),
    [
        ([3], "entry 3"),
        ([3, 4], "entries 3 and 4"),
        ([0, 1, 2], "entries 0 to 2"),
        ([0, 4, 9], "entries 0, 4 and 9"),
        ([0, 2, 4, 6, 8, 10], "the listed entries from 0 to 10"),
    ],
)
def test_entries_without_leaf_named(indices: list[int], text: str) -> None:
    assert _indices_text(indices) == text


def test_old_bundle_verifies_with_note(log: Organisation, tmp_path: Path) -> None:
    """A bundle exported before bundles had a manifest."""
    path = export(log, tmp_path)

    def make_old(bundle: Bundle) -> None:
        bundle.pop("manifest")
        bundle["format"] = BUNDLE_FORMAT_WITHOUT_MANIFEST
        bundle["entries"].pop(4)

    edit_bundle(path, make_old)
    result = run_verify(str(path), "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    lines = printed(result)
    assert lines[0].startswith("OK: 14 entries are in the tree of size 16 ")
    assert lines[1] == (
        "NOTE: the bundle has format vigil-accesslog-bundle/1, which has no "
        "signed manifest, so vigil-verify did not check that it lists every "
        "entry of its period, nor the period or the entries' times. Export the "
        "period again for a bundle with a manifest"
    )
    assert len(lines) == 2


def test_edited_tree_size_fails(log: Organisation, tmp_path: Path) -> None:
    error = verify_edited(log, tmp_path, lambda bundle: bundle.update(tree_size=17))
    assert error == (
        "FAILED: the bundle states tree size 17, but its signed checkpoint is of "
        "size 16\n"
    )


def test_invalid_base64_leaf_named(log: Organisation, tmp_path: Path) -> None:
    def break_leaf(bundle: Bundle) -> None:
        leaf = bundle["entries"][4]["leaf"]
        bundle["entries"][4]["leaf"] = leaf[:10] + "!" + leaf[11:]

    error = verify_edited(log, tmp_path, break_leaf)
    assert error.startswith("FAILED: entry 4: leaf 'eyJhY3Rpb2!iOiJj'… (")
    assert error.endswith(
        "is not valid base64: character '!' at position 10 is not one of A-Z, "
        "a-z, 0-9, +, / and the padding =\n"
    )
    assert "Only base64 data" not in error
    assert len(error) < 200


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (END, START, "is empty"),
        (START + datetime.timedelta(microseconds=5), END, "below the millisecond"),
    ],
)
def test_export_rejects_period_without_manifest_form(
    log: Organisation, start: datetime.datetime, end: datetime.datetime, message: str
) -> None:
    with pytest.raises(ValueError, match=message), io.StringIO() as stream:
        export_bundle(log, start, end, stream, actor=None)
