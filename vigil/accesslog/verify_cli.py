"""``vigil-verify``: check an access-log bundle, proof or consistency document offline.

Usage::

    vigil-verify FILE --key VKEY [--previous CHECKPOINT] [--list]

``FILE`` is a bundle (format ``vigil-accesslog-bundle/3``, ``/2`` from
before the manifest stated the number of expired entries, or ``/1`` from
before bundles had a manifest), the proof document of one entry (format
``vigil-accesslog-proof/1``) or a consistency document (format
``vigil-accesslog-consistency/1``). A proof or consistency document without
a format is recognised by its members, as the commands wrote them before
documents had one. ``FILE`` may also be a signed checkpoint, whose signature
is checked before the auditor keeps it. The checks of a bundle, in order:

1. ``VKEY`` (``<name>+<key id>+<base64 key>``, obtained from the centre by a
   separate channel) parses, and the bundle's checkpoint carries a valid
   signature by it with the key name as origin;
2. the bundle's manifest carries a valid signature by the same key, names
   the checkpoint's tree and states the bundle's period;
3. the entries are listed once each, in increasing index order; each leaf
   hashes to the stated leaf hash, is canonical version-1 leaf bytes of this
   log, names the entry's own index and has a time inside the period;
   the entries without leaf bytes, which expired, come before all others
   and, when the manifest states the number of expired entries of the log,
   are exactly the listed entries below it;
4. each inclusion proof leads from the leaf hash to the checkpoint's root;
5. the number of entries and the digest of their indices and leaf hashes are
   those that the manifest states;
6. with ``--previous``, an earlier checkpoint that the auditor kept, the
   bundle's consistency proof shows that the log only grew since.

A proof document is checked as one entry of a bundle, against its own
checkpoint and without a manifest. A consistency document is checked like
step 6, against its new checkpoint and its old checkpoint or ``--previous``.

Exit status: 0 when everything verifies, 1 at the first failed check (named
on standard error), 2 when the file or key cannot be read, the file or the
``--previous`` checkpoint is of another log than the key (its checkpoint
names that log and carries a signature by a key of that name), a member that
every bundle has is missing or of the wrong type, the ``--previous`` file
is not a signed checkpoint, ``--previous`` is given with a proof
document or a checkpoint, or with a bundle that has no consistency proof
from the size of that checkpoint, or with a consistency document that
starts at another size than that checkpoint.

This module and the ``verify_cli_*`` modules that it uses import only the
standard library and ``vigil.ledger``, so an auditor can run ``vigil-verify``
without Django or the rest of Vigil.
"""

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from vigil.accesslog.verify_cli_bundle import (
    BUNDLE_FORMAT,
    BUNDLE_FORMAT_WITHOUT_EXPIRED,
    BUNDLE_FORMAT_WITHOUT_MANIFEST,
    verify_bundle,
)
from vigil.accesslog.verify_cli_checks import (
    CheckFailed,
    Unreadable,
    load_json,
    malformed_note_message,
    origin_slug,
    reject_key_of_another_log,
    unsigned_checkpoint,
    unsigned_checkpoint_message,
)
from vigil.accesslog.verify_cli_documents import (
    verify_checkpoint_note,
    verify_consistency_document,
    verify_proof,
)
from vigil.ledger import (
    Checkpoint,
    Ed25519Verifier,
    KeyIdMismatchError,
    LedgerError,
    MalformedCheckpointError,
    MalformedNoteError,
    open_checkpoint,
)
from vigil.ledger.note import kept_note_text, looks_like_verifier_key
from vigil.ledger.terminal import escape_line

PROOF_FORMAT = "vigil-accesslog-proof/1"
CONSISTENCY_FORMAT = "vigil-accesslog-consistency/1"
# The members by which a document without a format is recognised, as the
# web page and ``vigil accesslog prove`` and ``consistency`` wrote them
# before documents had one.
PROOF_KEYS = ("checkpoint", "index", "leaf_hash", "proof", "tree_size")
CONSISTENCY_KEYS = ("new_checkpoint", "new_size", "old_root", "old_size", "proof")
BUNDLE = "bundle"
PROOF = "proof"
CONSISTENCY = "consistency"
CHECKPOINT = "checkpoint"
# The start of a signed note's signature line (C2SP signed-note). A file that
# is not JSON and contains it is read as a checkpoint.
SIGNATURE_LINE_START = "\n\u2014 "

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNREADABLE = 2


def _read_text(path: str, what: str) -> str:
    where = f"cannot read the {what} {path}"
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        fix = "no such file. Check the name and the folder it is in"
    except IsADirectoryError:
        fix = "it is a folder. Give a file in it"
    except PermissionError:
        fix = "permission denied. Give a file that you may read"
    except OSError as error:
        fix = str(error.strerror or error)
    except UnicodeDecodeError as error:
        fix = f"it is not UTF-8 text ({error})"
    raise Unreadable(f"{where}: {fix}")


# The first words of the line that a download of the pages ends with when the
# export fails after it started, in English, Dutch and French.
EXPORT_FAILED_MARKS = ("EXPORT FAILED", "EXPORT MISLUKT", "EXPORTATION ÉCHOUÉE")
# The failure line is shown cut to this many characters.
MAX_SHOWN_FAILURE = 1000


def _load_document(path: str) -> tuple[str, Any]:
    """Read a bundle, proof or consistency document and return its kind and it.

    A signed checkpoint is returned as its text, with the kind CHECKPOINT.
    """
    text = _read_text(path, "file")
    try:
        document = load_json(text)
    except ValueError as error:
        failure = _export_failure(text)
        if failure is not None:
            raise Unreadable(
                f"the file {path} is not a bundle: the export failed while it was "
                f"written, and the file ends with its reason: {failure}"
            ) from None
        if SIGNATURE_LINE_START in text:
            return CHECKPOINT, kept_note_text(text)
        if looks_like_verifier_key(text):
            raise Unreadable(
                f"the file {path} contains a verifier key, not a document to "
                "check. Give the bundle, proof document or checkpoint as FILE "
                "and the key with --key or --key-file"
            ) from None
        unsigned = unsigned_checkpoint(kept_note_text(text))
        if unsigned is not None:
            raise Unreadable(
                unsigned_checkpoint_message(unsigned, f"the file {path}")
            ) from None
        cut_off = _cut_off_message(text, path, error)
        if cut_off is not None:
            raise Unreadable(cut_off) from None
        raise Unreadable(
            f"the file {path} is not valid JSON: {error}. Give a bundle, a proof "
            "document or a consistency document, which are JSON, or a signed "
            "checkpoint"
        ) from None
    kind = _document_kind(document) if isinstance(document, dict) else None
    if kind is None:
        raise Unreadable(
            f"{path} is neither a bundle of format {BUNDLE_FORMAT}, a proof "
            f"document of format {PROOF_FORMAT} nor a consistency document of "
            f"format {CONSISTENCY_FORMAT}"
        )
    return kind, document


def _cut_off_message(text: str, path: str, error: ValueError) -> str | None:
    """Describe a JSON file that ends before its JSON does, or return None.

    Such a file is what a cut-off download or copy leaves. The decoder then
    fails at the end of the text, or at the start of a string that runs to
    the end, which is where it reports an unterminated string.
    """
    if not text.strip():
        return (
            f"the file {path} is empty, so the download or copy probably failed. "
            "Get the file again and check the new copy"
        )
    if not isinstance(error, json.JSONDecodeError):
        return None
    at_end = error.pos >= len(text.rstrip())
    if not at_end and not error.msg.startswith("Unterminated string"):
        return None
    size = len(text.encode("utf-8"))
    unit = "byte" if size == 1 else "bytes"
    return (
        f"the file {path} ends early: its JSON stops unfinished after {size} "
        f"{unit}, so the download or copy was probably cut off. Get the file "
        "again and check the new copy"
    )


def _export_failure(text: str) -> str | None:
    """Return the last line of ``text`` if it is the failure line of an export."""
    lines = text.rstrip().rsplit("\n", 1)
    last = lines[-1].strip()
    if last.startswith(EXPORT_FAILED_MARKS):
        return escape_line(last[:MAX_SHOWN_FAILURE])
    return None


def _document_kind(document: Mapping[str, Any]) -> str | None:
    """Tell a bundle, a proof document and a consistency document apart."""
    if "format" in document:
        if not isinstance(document["format"], str):
            return None
        return {
            BUNDLE_FORMAT: BUNDLE,
            BUNDLE_FORMAT_WITHOUT_EXPIRED: BUNDLE,
            BUNDLE_FORMAT_WITHOUT_MANIFEST: BUNDLE,
            PROOF_FORMAT: PROOF,
            CONSISTENCY_FORMAT: CONSISTENCY,
        }.get(document["format"])
    if all(key in document for key in PROOF_KEYS):
        return PROOF
    if all(key in document for key in CONSISTENCY_KEYS):
        return CONSISTENCY
    return None


def _load_verifier(key: str, *, from_option: bool = False) -> Ed25519Verifier:
    """Return the verifier of ``key``, or raise Unreadable.

    ``from_option`` is True when --key gave the key, so that a file name
    given there gets the hint to use --key-file.
    """
    text = key.strip()
    if "\n" in text:
        raise Unreadable(_not_a_key(text))
    try:
        return Ed25519Verifier.from_verifier_key(text)
    except KeyIdMismatchError as error:
        name = text.split("+", 1)[0]
        raise Unreadable(_changed_key(error, name, from_option=from_option)) from None
    except LedgerError as error:
        hint = ""
        if from_option and Path(text).is_file():
            hint = f". {text} is a file: give it with --key-file {text}"
        raise Unreadable(f"the verifier key is invalid: {error}{hint}") from None


def _changed_key(error: KeyIdMismatchError, name: str, *, from_option: bool) -> str:
    """Describe the key ``name`` whose key ID does not match its name and key bytes."""
    if from_option:
        slug = origin_slug(name) or "SLUG"
        fix = (
            "Copy the whole key again from the centre, where 'vigil accesslog "
            f"public-key --org {slug}' prints it, or give the key file that the "
            "centre sent with --key-file"
        )
    else:
        fix = "Get the key file from the centre again"
    return (
        f"the verifier key is invalid: its key ID {error.stated:08x} does not "
        f"match its name and key, which give the key ID {error.computed:08x}, "
        f"so the key was probably changed when it was copied. {fix}"
    )


def _not_a_key(text: str) -> str:
    """Describe a key of several lines, which is some other file of the log."""
    fix = (
        "Give the one-line key <name>+<key id>+<base64 key> that "
        "`vigil accesslog public-key --org SLUG` prints"
    )
    if text.startswith("{"):
        return f"the verifier key is a JSON document, not a key. {fix}"
    if SIGNATURE_LINE_START in text:
        return (
            f"the verifier key is a signed note, such as a checkpoint, not a key. {fix}"
        )
    return f"the verifier key has {len(text.splitlines())} lines, expected one. {fix}"


def open_previous(text: str, path: str, verifier: Ed25519Verifier) -> Checkpoint:
    """Open the auditor's earlier checkpoint from the file ``path``.

    Raises Unreadable if the file is not a signed note or its text is not a
    checkpoint, and CheckFailed if it is not signed by ``verifier`` or names
    another log.
    """
    try:
        return open_checkpoint(text, verifier, verifier.name)
    except MalformedNoteError as error:
        raise Unreadable(
            malformed_note_message(text, f"the --previous file {path}", error)
        ) from None
    except MalformedCheckpointError as error:
        raise Unreadable(
            f"the --previous file {path} is not a signed checkpoint: {error}"
        ) from None
    except LedgerError as error:
        reject_key_of_another_log(
            text,
            error,
            verifier,
            f"the --previous checkpoint {path}",
            fix=f"Give the checkpoint that you kept of log {verifier.name!r}",
        )
        raise CheckFailed(
            f"your previous checkpoint does not verify: {error}"
        ) from None


def _read_previous(path: str, verifier: Ed25519Verifier) -> Checkpoint:
    """Read and open the --previous file, naming a key or JSON file given in error."""
    text = _read_text(path, "checkpoint file")
    if looks_like_verifier_key(text):
        raise Unreadable(
            f"the --previous file {path} contains a verifier "
            "key, not a checkpoint. Give the checkpoint note that you kept of "
            "this log"
        )
    if text.removeprefix("\ufeff").lstrip().startswith("{"):
        raise Unreadable(
            f"the --previous file {path} is a JSON document, such as a bundle, "
            "not a checkpoint. Give the checkpoint note that you kept of this "
            "log. To keep the checkpoint of a bundle that verified, save it "
            "with: jq -r .checkpoint BUNDLE > kept.checkpoint"
        )
    return open_previous(kept_note_text(text), path, verifier)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vigil-verify",
        description="Check a Vigil access-log bundle, the proof document of one "
        "entry or a consistency document offline: the signatures of the "
        "checkpoints and the manifest, every leaf and every proof.",
        epilog="Messages are in English whatever VIGIL_CLI_LANGUAGE says, because "
        "vigil-verify runs without Django and so without Vigil's translations.",
    )
    parser.add_argument(
        "file",
        metavar="FILE",
        help="bundle, proof or consistency document (JSON), whose format member "
        "tells which, or a signed checkpoint",
    )
    keys = parser.add_mutually_exclusive_group(required=True)
    keys.add_argument(
        "--key", metavar="VKEY", help="verifier key <name>+<key id>+<base64 key>"
    )
    keys.add_argument("--key-file", metavar="FILE", help="file with the verifier key")
    parser.add_argument(
        "--previous",
        metavar="CHECKPOINT",
        help="an earlier signed checkpoint of the log (file), to check that "
        "the log only grew since (bundles and consistency documents only)",
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="print each verified entry's leaf as one JSON line",
    )
    return parser


def _verify(
    arguments: argparse.Namespace, listing: list[Mapping[str, Any]] | None
) -> list[str]:
    """Read the inputs that ``arguments`` name and check the document."""
    key = (
        arguments.key
        if arguments.key is not None
        else _read_text(arguments.key_file, "key file")
    )
    verifier = _load_verifier(key, from_option=arguments.key is not None)
    kind, document = _load_document(arguments.file)
    if kind == CHECKPOINT:
        if arguments.previous:
            raise Unreadable(
                f"{arguments.file} is a checkpoint, which has no consistency "
                "proof to check against --previous. Ask for a consistency "
                "document from the size of your previous checkpoint instead"
            )
        return verify_checkpoint_note(document, arguments.file, verifier)
    previous = None
    if arguments.previous:
        if kind == PROOF:
            raise Unreadable(
                f"{arguments.file} is a proof document, which has no consistency "
                "proof to check against --previous. Ask for a bundle exported "
                "with --previous instead"
            )
        previous = _read_previous(arguments.previous, verifier)
    if kind == BUNDLE:
        return verify_bundle(document, verifier, previous, listing)
    if kind == PROOF:
        return verify_proof(document, verifier, listing)
    return verify_consistency_document(document, verifier, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``vigil-verify`` and return its exit status."""
    arguments = _parser().parse_args(argv)
    listing: list[Mapping[str, Any]] | None = [] if arguments.list else None
    try:
        lines = _verify(arguments, listing)
    except Unreadable as error:
        print(f"vigil-verify: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    except CheckFailed as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return EXIT_FAILED
    # With --list, standard output carries only the JSON lines of the leaves,
    # so that it can go to a JSON tool, and the summary goes to standard error.
    summary = sys.stderr if listing is not None else sys.stdout
    try:
        for value in listing or []:
            print(json.dumps(value, ensure_ascii=False, sort_keys=True))
        sys.stdout.flush()
        for line in lines:
            print(line, file=summary)
        summary.flush()
    except BrokenPipeError:
        # A reader such as head stopped early. The file verified, and Python
        # would report the closed pipe again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
