"""C2SP signed notes: keys, key IDs, signing and verification."""

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from vigil.ledger import (
    Ed25519Signer,
    Ed25519Verifier,
    InvalidKeyError,
    InvalidSignatureError,
    KeyIdMismatchError,
    MalformedNoteError,
    UnverifiedNoteError,
    ed25519_key_id,
    open_note,
    sign_note,
)
from vigil.ledger.note import MAX_SIGNATURES, NoteSignature, validate_key_name

GO_VECTOR: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "sumdb-note" / "peter-neumann.json").read_text()
)
TEXT = "vigil.example/access-log\n3\nZm9v\n"
EM_DASH = "\u2014"


@pytest.fixture(scope="module")
def signer() -> Ed25519Signer:
    return Ed25519Signer.generate("vigil.example/access-log")


@pytest.fixture(scope="module")
def other_signer() -> Ed25519Signer:
    return Ed25519Signer.generate("witness.example/w1")


def replace_signature(note: str, signature: NoteSignature) -> str:
    text, _, _ = note.rpartition("\n\n")
    return f"{text}\n\n{signature.to_line()}"


def test_go_vector_key_id_by_hand() -> None:
    verifier = Ed25519Verifier.from_verifier_key(GO_VECTOR["verifier_key"])
    digest = hashlib.sha256(b"PeterNeumann" + b"\x0a" + b"\x01" + verifier.public_key)
    assert digest.digest()[:4].hex() == "c74f20a3"
    assert verifier.key_id == 0xC74F20A3


def test_generated_key_id_by_hand(signer: Ed25519Signer) -> None:
    public_key = signer.verifier().public_key
    message = b"vigil.example/access-log\n\x01" + public_key
    expected = int.from_bytes(hashlib.sha256(message).digest()[:4], "big")
    assert ed25519_key_id("vigil.example/access-log", public_key) == expected
    assert signer.key_id == expected


def test_go_vector_keys_parse() -> None:
    signer = Ed25519Signer.from_signer_key(GO_VECTOR["signer_key"])
    verifier = Ed25519Verifier.from_verifier_key(GO_VECTOR["verifier_key"])
    assert signer.name == verifier.name == "PeterNeumann"
    assert signer.verifier().public_key == verifier.public_key


def test_go_vector_keys_serialise_back() -> None:
    signer = Ed25519Signer.from_signer_key(GO_VECTOR["signer_key"])
    assert signer.signer_key() == GO_VECTOR["signer_key"]
    assert signer.verifier().verifier_key() == GO_VECTOR["verifier_key"]


def test_go_vector_signature_reproduced() -> None:
    signer = Ed25519Signer.from_signer_key(GO_VECTOR["signer_key"])
    assert sign_note(GO_VECTOR["text"], signer) == GO_VECTOR["note"]


def test_go_vector_note_opens() -> None:
    verifier = Ed25519Verifier.from_verifier_key(GO_VECTOR["verifier_key"])
    opened = open_note(GO_VECTOR["note"], [verifier])
    assert opened.text == GO_VECTOR["text"]
    assert [signature.key for signature in opened.verified] == ["PeterNeumann+c74f20a3"]
    assert opened.unknown == ()


def test_go_vector_cosignature_reported_unknown() -> None:
    verifier = Ed25519Verifier.from_verifier_key(GO_VECTOR["verifier_key"])
    opened = open_note(GO_VECTOR["cosigned_note"], [verifier])
    assert [signature.name for signature in opened.verified] == ["PeterNeumann"]
    assert [signature.name for signature in opened.unknown] == ["EnochRoot"]


def test_c2sp_example_note_parses() -> None:
    # Example note of the C2SP signed-note spec (CC BY 4.0). The spec does not
    # publish its public key, so only the parse and the key label are checked.
    blob = (
        "NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99"
        "ihAQwaqP3ZekRwNtIc="
    )
    note = (
        "Ognuno sta solo sul cuor della terra\n"
        "trafitto da un raggio di sole:\n"
        "\n"
        "ed è subito sera.\n"
        "\n"
        f"{EM_DASH} quasimodo.example/salvatore {blob}\n"
    )
    unrelated = Ed25519Signer.generate("quasimodo.example/salvatore").verifier()
    with pytest.raises(UnverifiedNoteError) as raised:
        open_note(note, [unrelated])
    key_id = base64.b64decode(blob)[:4].hex()
    assert raised.value.unknown_keys == (f"quasimodo.example/salvatore+{key_id}",)


def test_signer_key_round_trip(signer: Ed25519Signer) -> None:
    parsed = Ed25519Signer.from_signer_key(signer.signer_key())
    assert parsed.key_id == signer.key_id
    assert parsed.sign(b"message") == signer.sign(b"message")


def test_verifier_key_round_trip(signer: Ed25519Signer) -> None:
    verifier_key = signer.verifier().verifier_key()
    parsed = Ed25519Verifier.from_verifier_key(verifier_key)
    assert parsed.verifier_key() == verifier_key
    assert parsed.key_id == signer.key_id
    assert verifier_key.startswith(f"vigil.example/access-log+{signer.key_id:08x}+")


def test_signer_repr_hides_seed(signer: Ed25519Signer) -> None:
    # The base64 key itself may contain "+", so cut after the key id field.
    prefix = f"PRIVATE+KEY+vigil.example/access-log+{signer.key_id:08x}+"
    secret = signer.signer_key().removeprefix(prefix)
    assert len(secret) == 44
    assert secret not in repr(signer)
    assert (
        repr(signer) == f"Ed25519Signer('vigil.example/access-log+{signer.key_id:08x}')"
    )


def test_round_trip(signer: Ed25519Signer) -> None:
    note = sign_note(TEXT, signer)
    assert note.startswith(TEXT + "\n" + EM_DASH + " vigil.example/access-log ")
    opened = open_note(note, [signer.verifier()])
    assert opened.text == TEXT
    assert len(opened.verified) == 1


def test_round_trip_as_bytes(signer: Ed25519Signer) -> None:
    note = sign_note(TEXT, signer).encode("utf-8")
    assert open_note(note, [signer.verifier()]).text == TEXT


def test_text_with_blank_lines(signer: Ed25519Signer) -> None:
    text = "first\n\nsecond\n\n"
    opened = open_note(sign_note(text, signer), [signer.verifier()])
    assert opened.text == text


def test_two_signers(signer: Ed25519Signer, other_signer: Ed25519Signer) -> None:
    note = sign_note(TEXT, signer, other_signer)
    opened = open_note(note, [signer.verifier(), other_signer.verifier()])
    assert [signature.name for signature in opened.verified] == [
        "vigil.example/access-log",
        "witness.example/w1",
    ]


def test_changed_body_rejected(signer: Ed25519Signer) -> None:
    note = sign_note(TEXT, signer).replace("\n3\n", "\n4\n", 1)
    with pytest.raises(InvalidSignatureError, match="does not verify over the note"):
        open_note(note, [signer.verifier()])


def test_signature_of_other_key_rejected(
    signer: Ed25519Signer, other_signer: Ed25519Signer
) -> None:
    # The line names the known key but carries a signature by another key.
    forged = NoteSignature(signer.name, signer.key_id, other_signer.sign(TEXT.encode()))
    note = replace_signature(sign_note(TEXT, signer), forged)
    with pytest.raises(InvalidSignatureError, match=signer.name):
        open_note(note, [signer.verifier()])


def test_other_key_with_same_name_unverified(signer: Ed25519Signer) -> None:
    impostor = Ed25519Signer.generate(signer.name)
    with pytest.raises(UnverifiedNoteError) as raised:
        open_note(sign_note(TEXT, impostor), [signer.verifier()])
    message = str(raised.value)
    assert f"{signer.name}+{impostor.key_id:08x}" in message
    assert f"{signer.name}+{signer.key_id:08x}" in message


def test_unknown_signature_only_rejected(
    signer: Ed25519Signer, other_signer: Ed25519Signer
) -> None:
    with pytest.raises(UnverifiedNoteError, match="no signature by a known key"):
        open_note(sign_note(TEXT, other_signer), [signer.verifier()])


def test_unverified_message_plain_text(
    signer: Ed25519Signer, other_signer: Ed25519Signer
) -> None:
    with pytest.raises(UnverifiedNoteError) as raised:
        open_note(sign_note(TEXT, other_signer), [signer.verifier()])
    other_key = f"{other_signer.name}+{other_signer.key_id:08x}"
    known_key = f"{signer.name}+{signer.key_id:08x}"
    assert str(raised.value) == (
        f"note has no signature by a known key: it is signed by {other_key}, "
        f"but the known key is {known_key}"
    )


def test_unverified_message_lists_keys(
    signer: Ed25519Signer, other_signer: Ed25519Signer
) -> None:
    third = Ed25519Signer.generate("third.example/log")
    with pytest.raises(UnverifiedNoteError) as raised:
        open_note(
            sign_note(TEXT, other_signer, third),
            [
                signer.verifier(),
                Ed25519Signer.generate("fourth.example/log").verifier(),
            ],
        )
    message = str(raised.value)
    assert f"{other_signer.name}+{other_signer.key_id:08x}, third.example/log+" in (
        message
    )
    assert "but the known keys are " in message
    assert "[" not in message


def test_unknown_signature_alongside_known(
    signer: Ed25519Signer, other_signer: Ed25519Signer
) -> None:
    opened = open_note(sign_note(TEXT, signer, other_signer), [signer.verifier()])
    assert [signature.name for signature in opened.verified] == [signer.name]
    assert [signature.name for signature in opened.unknown] == [other_signer.name]


def test_bad_known_signature_rejected(
    signer: Ed25519Signer, other_signer: Ed25519Signer
) -> None:
    note = sign_note(TEXT, signer)
    forged = NoteSignature(
        other_signer.name, other_signer.key_id, signer.sign(TEXT.encode())
    )
    note += forged.to_line()
    with pytest.raises(InvalidSignatureError, match=other_signer.name):
        open_note(note, [signer.verifier(), other_signer.verifier()])


def test_truncated_signature_bytes_rejected(signer: Ed25519Signer) -> None:
    note = sign_note(TEXT, signer)
    signature = open_note(note, [signer.verifier()]).verified[0]
    truncated = NoteSignature(
        signature.name, signature.key_id, signature.signature[:60]
    )
    with pytest.raises(InvalidSignatureError, match="has 60 bytes, expected 64"):
        open_note(replace_signature(note, truncated), [signer.verifier()])


def test_truncated_signature_text_rejected(signer: Ed25519Signer) -> None:
    note = sign_note(TEXT, signer)
    truncated = note[:-3] + "\n"
    with pytest.raises(MalformedNoteError, match="not valid base64"):
        open_note(truncated, [signer.verifier()])


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda note: note.replace(EM_DASH, "-"), "does not start with an em dash"),
        (lambda note: note.replace(EM_DASH + " ", EM_DASH), "em dash and a space"),
        (lambda note: note[:-1], "does not end in a newline"),
        (lambda note: note.replace("\n\n", "\n"), "no blank line"),
        (lambda note: note + "\n", "no signature lines"),
        (lambda note: note.replace(".example/", ".example+"), "not allowed"),
        (lambda note: note.replace("=\n", "=x\n"), "not valid base64"),
        (lambda note: note.replace("log\n3", "log\r\n3"), "control character"),
        (lambda note: note + note.rpartition("\n\n")[2], "two signatures by"),
    ],
)
def test_malformed_note_rejected(
    signer: Ed25519Signer, mutate: Any, message: str
) -> None:
    note = mutate(sign_note(TEXT, signer))
    with pytest.raises(MalformedNoteError, match=message):
        open_note(note, [signer.verifier()])


def test_signature_without_key_id_rejected(signer: Ed25519Signer) -> None:
    note = f"{TEXT}\n{EM_DASH} {signer.name} AAAA\n"
    with pytest.raises(MalformedNoteError, match="has 3 signature bytes"):
        open_note(note, [signer.verifier()])


def test_too_many_signatures_rejected(signer: Ed25519Signer) -> None:
    note = sign_note(TEXT, signer)
    extra = [
        NoteSignature(f"witness.example/w{number}", number, bytes(64)).to_line()
        for number in range(MAX_SIGNATURES)
    ]
    with pytest.raises(MalformedNoteError, match="the maximum is 100"):
        open_note(note + "".join(extra), [signer.verifier()])


def test_invalid_utf8_rejected(signer: Ed25519Signer) -> None:
    note = sign_note(TEXT, signer).encode("utf-8").replace(b"3", b"\xff", 1)
    with pytest.raises(MalformedNoteError, match="not valid UTF-8"):
        open_note(note, [signer.verifier()])


def test_open_needs_verifier(signer: Ed25519Signer) -> None:
    with pytest.raises(ValueError, match="at least one verifier"):
        open_note(sign_note(TEXT, signer), [])


def test_ambiguous_verifiers_rejected(signer: Ed25519Signer) -> None:
    twin = Ed25519Signer.generate(signer.name).verifier()
    twin.key_id = signer.key_id
    with pytest.raises(ValueError, match="two different keys"):
        open_note(sign_note(TEXT, signer), [signer.verifier(), twin])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "does not end in a newline"),
        ("no newline", "does not end in a newline"),
        ("tab\there\n", "control character"),
        ("surrogate \ud800\n", "not valid UTF-8"),
    ],
)
def test_sign_rejects_text(signer: Ed25519Signer, text: str, message: str) -> None:
    with pytest.raises(MalformedNoteError, match=message):
        sign_note(text, signer)


def test_sign_needs_signer() -> None:
    with pytest.raises(ValueError, match="at least one signer"):
        sign_note(TEXT)


def test_sign_rejects_same_signer_twice(signer: Ed25519Signer) -> None:
    with pytest.raises(ValueError, match="same key twice"):
        sign_note(TEXT, signer, signer)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "two words",
        "plus+sign",
        "tab\tname",
        "no\u00a0break",
        "line\n",
        "lone\udcff",
    ],
)
def test_invalid_key_name(name: str) -> None:
    with pytest.raises(InvalidKeyError):
        validate_key_name(name)


def test_valid_key_name() -> None:
    validate_key_name("vigil.example/ocmw-gent/ledger")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda key: key.rsplit("+", 1)[0], "does not have the form"),
        (lambda key: key.replace("+c74f20a3+", "+C74F20A3+"), "8 lowercase hex"),
        (lambda key: key.replace("+c74f20a3+", "+c74f20a+"), "8 lowercase hex"),
        (lambda key: key.replace("+c74f20a3+", "+c74f20a4+"), "computed c74f20a3"),
        (lambda key: key.replace("PeterNeumann", "PeterNeumann2"), "does not match"),
        (lambda key: key.replace("+ARpc", "+AhpC"), "signature type 0x02"),
        (lambda key: key[:-1], "not valid base64"),
        (lambda key: key[:-4], "has 29 key bytes, expected 32"),
        (lambda key: key.rsplit("+", 1)[0] + "+AR==", "not canonical base64"),
        (lambda key: key + "AAAA", "has 35 key bytes, expected 32"),
    ],
)
def test_invalid_verifier_key(change: Any, message: str) -> None:
    with pytest.raises(InvalidKeyError, match=message):
        Ed25519Verifier.from_verifier_key(change(GO_VECTOR["verifier_key"]))


def test_key_id_mismatch_values() -> None:
    """A changed key raises KeyIdMismatchError with both key IDs."""
    key = GO_VECTOR["verifier_key"].replace("+c74f20a3+", "+c74f20a4+")
    with pytest.raises(KeyIdMismatchError) as raised:
        Ed25519Verifier.from_verifier_key(key)
    assert raised.value.stated == 0xC74F20A4
    assert raised.value.computed == 0xC74F20A3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda key: key.removeprefix("PRIVATE+"), "does not start with PRIVATE"),
        (lambda key: key.replace("+c74f20a3+", "+00000000+"), "computed c74f20a3"),
        (lambda key: key.replace("+AYEK", "+AoEK"), "signature type 0x02"),
        (lambda key: key[:-1] + "!", "not valid canonical base64"),
        (lambda key: key.split("+AYEK")[0], "does not have the form"),
    ],
)
def test_invalid_signer_key(change: Any, message: str) -> None:
    with pytest.raises(InvalidKeyError, match=message) as raised:
        Ed25519Signer.from_signer_key(change(GO_VECTOR["signer_key"]))
    secret = GO_VECTOR["signer_key"].split("+", 4)[4]
    assert secret[4:-4] not in str(raised.value)
