"""Signed bundle manifests: body, signature and separation from checkpoints."""

import base64
import datetime
import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from vigil.ledger import (
    Checkpoint,
    Ed25519Signer,
    EntriesDigest,
    InvalidSignatureError,
    MalformedCheckpointError,
    MalformedManifestError,
    Manifest,
    ManifestOriginError,
    UnverifiedNoteError,
    open_checkpoint,
    open_manifest,
    sign_checkpoint,
    sign_manifest,
)
from vigil.ledger.manifest import format_time, parse_time

ORIGIN = "vigil.example/ocmw-gent/access-log"
START = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
END = datetime.datetime(2026, 3, 3, tzinfo=datetime.UTC)
DIGEST = bytes(range(32))
ROOT = bytes(range(32, 64))


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


@pytest.fixture(scope="module")
def signer() -> Ed25519Signer:
    return Ed25519Signer.generate(ORIGIN)


@pytest.fixture
def manifest() -> Manifest:
    return Manifest(ORIGIN, START, END, 15, DIGEST, 16, ROOT)


def test_body_format(manifest: Manifest) -> None:
    assert manifest.to_body() == (
        "vigil-accesslog-manifest/1\n"
        f"origin {ORIGIN}\n"
        "from 2026-03-01T00:00:00.000Z\n"
        "to 2026-03-03T00:00:00.000Z\n"
        "entries 15\n"
        f"entries_digest {b64(DIGEST)}\n"
        "tree_size 16\n"
        f"root_hash {b64(ROOT)}\n"
    )


def test_body_round_trip(manifest: Manifest) -> None:
    assert Manifest.parse_body(manifest.to_body()) == manifest


def test_body_format_2_states_expired(manifest: Manifest) -> None:
    stated = replace(manifest, expired=3)
    assert stated.to_body() == (
        "vigil-accesslog-manifest/2\n"
        f"origin {ORIGIN}\n"
        "from 2026-03-01T00:00:00.000Z\n"
        "to 2026-03-03T00:00:00.000Z\n"
        "entries 15\n"
        f"entries_digest {b64(DIGEST)}\n"
        "tree_size 16\n"
        f"root_hash {b64(ROOT)}\n"
        "expired 3\n"
    )
    assert Manifest.parse_body(stated.to_body()) == stated


def test_format_1_body_has_no_expired(manifest: Manifest) -> None:
    assert Manifest.parse_body(manifest.to_body()).expired is None


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda body: body.replace("expired 3\n", ""), "has 8 lines, expected 9"),
        (
            lambda body: body.replace("manifest/2", "manifest/1"),
            "has 9 lines, expected 8",
        ),
        (lambda body: body.replace("expired 3", "expired 03"), "leading zeros"),
        (lambda body: body.replace("expired 3", "expired 17"), "17 expired entries"),
        (lambda body: body.replace("manifest/2", "manifest/3"), "is neither"),
    ],
)
def test_malformed_format_2_body_rejected(
    manifest: Manifest, edit: Callable[[str], str], message: str
) -> None:
    body = replace(manifest, expired=3).to_body()
    with pytest.raises(MalformedManifestError, match=message):
        Manifest.parse_body(edit(body))


def test_times_in_other_zone_stated_in_utc() -> None:
    brussels = datetime.timezone(datetime.timedelta(hours=1))
    start = datetime.datetime(2026, 3, 1, 0, 0, 0, 250000, tzinfo=brussels)
    assert format_time(start) == "2026-02-28T23:00:00.250Z"
    assert parse_time("2026-02-28T23:00:00.250Z") == start


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-01T00:00:00Z",
        "2026-03-01T00:00:00.000+00:00",
        "2026-02-30T00:00:00.000Z",
        "2026-03-01 00:00:00.000Z",
    ],
)
def test_parse_time_strict(text: str) -> None:
    with pytest.raises(ValueError, match="is not a"):
        parse_time(text)


def test_sub_millisecond_time_rejected() -> None:
    with pytest.raises(MalformedManifestError, match="below the millisecond"):
        Manifest(
            ORIGIN, START + datetime.timedelta(microseconds=1), END, 0, DIGEST, 0, ROOT
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end": START}, "is empty: from must be before to"),
        ({"entries": 17}, "states 17 entries in a tree of size 16"),
        ({"entries": -1}, "entry count -1 is out of range"),
        ({"tree_size": 2**64}, "tree size 18446744073709551616 is out of range"),
        ({"entries_digest": DIGEST[:31]}, "entries digest has 31 bytes"),
        ({"root_hash": b""}, "root hash has 0 bytes"),
        ({"origin": "with space"}, "manifest origin: key name 'with space'"),
        ({"expired": 17}, "states 17 expired entries in a tree of size 16"),
        ({"expired": -1}, "expired count -1 is out of range"),
    ],
)
def test_invalid_values_rejected(
    manifest: Manifest, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(MalformedManifestError, match=message):
        replace(manifest, **change)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda body: body[:-1], "does not end in a newline"),
        (lambda body: body + "extra line\n", "has 9 lines, expected 8"),
        (lambda body: body.replace("entries 15", "count 15"), "line 5 'count 15'"),
        (lambda body: body.replace("entries 15", "entries 015"), "leading zeros"),
        (lambda body: body.replace("entries 15", "entries  15"), "leading zeros"),
        (lambda body: body.replace(".000Z\nto", "Z\nto"), "is not a UTC time"),
        (
            lambda body: body.replace(f"root_hash {b64(ROOT)}", "root_hash AAA"),
            "base64",
        ),
    ],
)
def test_malformed_body_rejected(
    manifest: Manifest, edit: Callable[[str], str], message: str
) -> None:
    with pytest.raises(MalformedManifestError, match=message):
        Manifest.parse_body(edit(manifest.to_body()))


def test_signed_manifest_opens(signer: Ed25519Signer, manifest: Manifest) -> None:
    note = sign_manifest(manifest, signer)
    assert open_manifest(note, signer.verifier(), ORIGIN) == manifest


def test_manifest_by_other_key_rejected(
    signer: Ed25519Signer, manifest: Manifest
) -> None:
    impostor = Ed25519Signer.generate(ORIGIN)
    with pytest.raises(UnverifiedNoteError, match="no signature by a known key"):
        open_manifest(sign_manifest(manifest, impostor), signer.verifier(), ORIGIN)


def test_changed_body_rejected(signer: Ed25519Signer, manifest: Manifest) -> None:
    note = sign_manifest(manifest, signer).replace("entries 15", "entries 14")
    with pytest.raises(InvalidSignatureError, match="does not verify"):
        open_manifest(note, signer.verifier(), ORIGIN)


def test_other_origin_rejected(manifest: Manifest) -> None:
    other = Ed25519Signer.generate("vigil.example/other")
    note = sign_manifest(replace(manifest, origin=other.name), other)
    with pytest.raises(
        ManifestOriginError, match=r"is 'vigil\.example/other', expected"
    ):
        open_manifest(note, other.verifier(), ORIGIN)


def test_checkpoint_is_not_a_manifest(signer: Ed25519Signer) -> None:
    note = sign_checkpoint(Checkpoint(ORIGIN, 16, ROOT), signer)
    with pytest.raises(MalformedManifestError, match="so the note is not a manifest"):
        open_manifest(note, signer.verifier(), ORIGIN)


def test_manifest_is_not_a_checkpoint(
    signer: Ed25519Signer, manifest: Manifest
) -> None:
    note = sign_manifest(manifest, signer)
    with pytest.raises(MalformedCheckpointError):
        open_checkpoint(note, signer.verifier(), ORIGIN)


def test_entries_digest_definition() -> None:
    leaf_hashes = [hashlib.sha256(bytes([value])).digest() for value in range(3)]
    digest = EntriesDigest()
    for index, value in zip((2, 5, 300), leaf_hashes, strict=True):
        digest.add(index, value)
    expected = hashlib.sha256(
        (2).to_bytes(8, "big")
        + leaf_hashes[0]
        + (5).to_bytes(8, "big")
        + leaf_hashes[1]
        + (300).to_bytes(8, "big")
        + leaf_hashes[2]
    ).digest()
    assert digest.digest() == expected
    assert digest.count == 3
    assert EntriesDigest().digest() == hashlib.sha256(b"").digest()


def test_entries_digest_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match="leaf hash has 31 bytes"):
        EntriesDigest().add(0, bytes(31))
    with pytest.raises(ValueError, match="does not fit in 8 bytes"):
        EntriesDigest().add(2**64, bytes(32))
