"""C2SP tlog-checkpoint bodies and signed checkpoints."""

import base64

import pytest

from vigil.ledger import (
    EMPTY_ROOT,
    Checkpoint,
    CheckpointOriginError,
    Ed25519Signer,
    InvalidSignatureError,
    LedgerError,
    MalformedCheckpointError,
    MemoryHashStore,
    MerkleLog,
    UnverifiedNoteError,
    open_checkpoint,
    sign_checkpoint,
    sign_note,
    signer_of_other_log,
    verify_consistency,
)

ORIGIN = "vigil.example/ocmw-gent/access-log"
ROOT = bytes(range(32))
ROOT_TEXT = base64.b64encode(ROOT).decode()
EM_DASH = "\u2014"

# Example checkpoint of the C2SP tlog-checkpoint spec (CC BY 4.0).
C2SP_BODY = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)
C2SP_SIGNATURE = (
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+"
    "zyWE+xeMcTOAYQ8="
)


@pytest.fixture(scope="module")
def signer() -> Ed25519Signer:
    return Ed25519Signer.generate(ORIGIN)


def test_body_format() -> None:
    checkpoint = Checkpoint(ORIGIN, 1234, ROOT)
    assert checkpoint.to_body() == f"{ORIGIN}\n1234\n{ROOT_TEXT}\n"


def test_body_with_extensions() -> None:
    checkpoint = Checkpoint(ORIGIN, 5, ROOT, ("ext one", "ext two"))
    assert checkpoint.to_body() == f"{ORIGIN}\n5\n{ROOT_TEXT}\next one\next two\n"


@pytest.mark.parametrize("extensions", [(), ("first",), ("first", "second line")])
def test_body_round_trip(extensions: tuple[str, ...]) -> None:
    checkpoint = Checkpoint(ORIGIN, 987654321, ROOT, extensions)
    assert Checkpoint.parse_body(checkpoint.to_body()) == checkpoint


def test_empty_tree_checkpoint() -> None:
    checkpoint = Checkpoint.parse_body(
        f"{ORIGIN}\n0\n{base64.b64encode(EMPTY_ROOT).decode()}\n"
    )
    assert checkpoint.size == 0
    assert checkpoint.root_hash == EMPTY_ROOT


def test_extensions_list_becomes_tuple() -> None:
    checkpoint = Checkpoint(ORIGIN, 1, ROOT, ["ext"])  # type: ignore[arg-type]
    assert checkpoint.extensions == ("ext",)


def test_c2sp_example_body_parses() -> None:
    checkpoint = Checkpoint.parse_body(C2SP_BODY)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert checkpoint.root_hash == base64.b64decode(
        "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    )
    assert checkpoint.to_body() == C2SP_BODY


def test_c2sp_example_note_needs_log_key(signer: Ed25519Signer) -> None:
    note = f"{C2SP_BODY}\n{EM_DASH} example.com/behind-the-sofa {C2SP_SIGNATURE}\n"
    with pytest.raises(UnverifiedNoteError) as raised:
        open_checkpoint(note, signer.verifier(), "example.com/behind-the-sofa")
    key_id = base64.b64decode(C2SP_SIGNATURE)[:4].hex()
    assert raised.value.unknown_keys == (f"example.com/behind-the-sofa+{key_id}",)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "does not end in a newline"),
        (f"{ORIGIN}\n5\n{ROOT_TEXT}", "does not end in a newline"),
        (f"{ORIGIN}\n5\n", "has 2 lines, expected at least 3"),
        (f"\n5\n{ROOT_TEXT}\n", "origin is empty"),
        (f"{ORIGIN}\n05\n{ROOT_TEXT}\n", "not a decimal number without leading"),
        (f"{ORIGIN}\n00\n{ROOT_TEXT}\n", "not a decimal number without leading"),
        (f"{ORIGIN}\n+5\n{ROOT_TEXT}\n", "not a decimal number"),
        (f"{ORIGIN}\n-1\n{ROOT_TEXT}\n", "not a decimal number"),
        (f"{ORIGIN}\n 5\n{ROOT_TEXT}\n", "not a decimal number"),
        (f"{ORIGIN}\n5 \n{ROOT_TEXT}\n", "not a decimal number"),
        (f"{ORIGIN}\n0x10\n{ROOT_TEXT}\n", "not a decimal number"),
        (f"{ORIGIN}\n\u0661\u0662\n{ROOT_TEXT}\n", "not a decimal number"),
        (f"{ORIGIN}\n\n{ROOT_TEXT}\n", "not a decimal number"),
        (f"{ORIGIN}\n{2**64}\n{ROOT_TEXT}\n", "out of range"),
        (f"{ORIGIN}\n5\n{ROOT_TEXT[:-4]}\n", "root hash has 30 bytes, expected 32"),
        (f"{ORIGIN}\n5\n{ROOT_TEXT.rstrip('=')}\n", "not valid base64"),
        (f"{ORIGIN}\n5\n{ROOT_TEXT[:-2]}9=\n", "not canonical base64"),
        (f"{ORIGIN}\n5\n{ROOT_TEXT}\n\n", "extension line 1 is empty"),
        (f"{ORIGIN}\n5\n{ROOT_TEXT}\next\n\nmore\n", "extension line 2 is empty"),
        (f"{ORIGIN}\t\n5\n{ROOT_TEXT}\n", "control character"),
        (f"{ORIGIN}\r\n5\r\n{ROOT_TEXT}\r\n", "control character"),
    ],
)
def test_parse_body_rejects(body: str, message: str) -> None:
    with pytest.raises(MalformedCheckpointError, match=message):
        Checkpoint.parse_body(body)


def test_largest_tree_size_accepted() -> None:
    body = f"{ORIGIN}\n{2**64 - 1}\n{ROOT_TEXT}\n"
    assert Checkpoint.parse_body(body).size == 2**64 - 1


@pytest.mark.parametrize(
    ("origin", "size", "root_hash", "message"),
    [
        ("", 1, ROOT, "origin is empty"),
        ("two\nlines", 1, ROOT, "control character"),
        (ORIGIN, -1, ROOT, "out of range"),
        (ORIGIN, True, ROOT, "not an integer"),
        (ORIGIN, 1, ROOT[:31], "has 31 bytes, expected 32"),
    ],
)
def test_constructor_rejects(
    origin: str, size: int, root_hash: bytes, message: str
) -> None:
    with pytest.raises(MalformedCheckpointError, match=message):
        Checkpoint(origin, size, root_hash)


def test_constructor_rejects_extension_newline() -> None:
    with pytest.raises(MalformedCheckpointError, match="extension line 1"):
        Checkpoint(ORIGIN, 1, ROOT, ("a\nb",))


def test_signed_round_trip(signer: Ed25519Signer) -> None:
    checkpoint = Checkpoint(ORIGIN, 42, ROOT)
    note = sign_checkpoint(checkpoint, signer)
    assert note.startswith(checkpoint.to_body() + "\n" + EM_DASH + " " + ORIGIN + " ")
    assert open_checkpoint(note, signer.verifier(), ORIGIN) == checkpoint


def test_wrong_origin_rejected(signer: Ed25519Signer) -> None:
    note = sign_checkpoint(Checkpoint("vigil.example/other-log", 42, ROOT), signer)
    with pytest.raises(CheckpointOriginError) as raised:
        open_checkpoint(note, signer.verifier(), ORIGIN)
    assert str(raised.value) == (
        f"checkpoint origin is 'vigil.example/other-log', expected '{ORIGIN}'"
    )


def test_wrong_key_rejected(signer: Ed25519Signer) -> None:
    other = Ed25519Signer.generate(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 42, ROOT), other)
    with pytest.raises(UnverifiedNoteError, match="no signature by a known key"):
        open_checkpoint(note, signer.verifier(), ORIGIN)


OTHER_ORIGIN = "vigil.example/ocmw-aalst/access-log"


def opening_error(note: str, signer: Ed25519Signer) -> LedgerError:
    with pytest.raises(LedgerError) as raised:
        open_checkpoint(note, signer.verifier(), ORIGIN)
    return raised.value


def test_other_log_signer_found(signer: Ed25519Signer) -> None:
    other = Ed25519Signer.generate(OTHER_ORIGIN)
    note = sign_checkpoint(Checkpoint(OTHER_ORIGIN, 42, ROOT), other)
    found = signer_of_other_log(note, opening_error(note, signer), ORIGIN)
    assert found == (OTHER_ORIGIN, f"{OTHER_ORIGIN}+{other.verifier().key_id:08x}")


def test_other_origin_without_its_signature(signer: Ed25519Signer) -> None:
    """A note whose origin line alone names another log was changed."""
    other = Ed25519Signer.generate(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 42, ROOT), other)
    changed = note.replace(ORIGIN, OTHER_ORIGIN, 1)
    assert signer_of_other_log(changed, opening_error(changed, signer), ORIGIN) is None


def test_same_origin_other_key_not_other_log(signer: Ed25519Signer) -> None:
    other = Ed25519Signer.generate(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 42, ROOT), other)
    assert signer_of_other_log(note, opening_error(note, signer), ORIGIN) is None


def test_changed_size_rejected(signer: Ed25519Signer) -> None:
    note = sign_checkpoint(Checkpoint(ORIGIN, 42, ROOT), signer)
    changed = note.replace("\n42\n", "\n43\n", 1)
    with pytest.raises(InvalidSignatureError):
        open_checkpoint(changed, signer.verifier(), ORIGIN)


def test_witness_cosignature_ignored(signer: Ed25519Signer) -> None:
    witness = Ed25519Signer.generate("witness.example/w1")
    checkpoint = Checkpoint(ORIGIN, 42, ROOT)
    note = sign_checkpoint(checkpoint, signer, witness)
    assert open_checkpoint(note, signer.verifier(), ORIGIN) == checkpoint


def test_signed_text_not_checkpoint(signer: Ed25519Signer) -> None:
    note = sign_note("just a note\n", signer)
    with pytest.raises(MalformedCheckpointError, match="has 1 lines"):
        open_checkpoint(note, signer.verifier(), ORIGIN)


def test_checkpoints_of_growing_log(signer: Ed25519Signer) -> None:
    log = MerkleLog(MemoryHashStore())
    log.append_many([f"access {index}".encode() for index in range(10)])
    old_note = sign_checkpoint(Checkpoint(ORIGIN, log.size, log.root()), signer)
    log.append_many([f"access {index}".encode() for index in range(10, 25)])
    new_note = sign_checkpoint(Checkpoint(ORIGIN, log.size, log.root()), signer)

    old = open_checkpoint(old_note, signer.verifier(), ORIGIN)
    new = open_checkpoint(new_note, signer.verifier(), ORIGIN)
    proof = log.consistency_proof(old.size, new.size)
    verify_consistency(old.size, new.size, old.root_hash, new.root_hash, proof)
