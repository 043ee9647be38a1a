"""Tamper-evident ledger: an RFC 9162 Merkle log with C2SP signed checkpoints.

This package imports neither Django nor any other part of Vigil, so that an
auditor can verify proofs and checkpoints offline with only this package and
the ``cryptography`` library.

- ``merkle``: leaf, node and root hashes (RFC 9162, section 2.1).
- ``store``: the ``HashStore`` protocol for complete-subtree hashes.
- ``log``: ``MerkleLog``, an append-only tree over a ``HashStore``.
- ``proofs``: inclusion and consistency proofs, generation and verification.
- ``note``: C2SP signed notes with Ed25519 keys.
- ``checkpoint``: C2SP tlog-checkpoint bodies and signed checkpoints.
- ``manifest``: signed manifests, the log's statement of which entries a
  period holds.
- ``terminal``: escaping of untrusted text before it is printed, shared by
  the offline verifier and the ingestion report.
"""

from vigil.ledger.checkpoint import (
    Checkpoint,
    open_checkpoint,
    sign_checkpoint,
    signer_of_other_log,
)
from vigil.ledger.errors import (
    CheckpointError,
    CheckpointOriginError,
    ConsistencyProofError,
    InclusionProofError,
    InvalidKeyError,
    InvalidSignatureError,
    KeyIdMismatchError,
    LedgerError,
    MalformedCheckpointError,
    MalformedManifestError,
    MalformedNoteError,
    ManifestError,
    ManifestOriginError,
    NoteError,
    ProofError,
    UnverifiedNoteError,
)
from vigil.ledger.log import MerkleLog
from vigil.ledger.manifest import (
    MANIFEST_FORMAT,
    EntriesDigest,
    Manifest,
    open_manifest,
    sign_manifest,
)
from vigil.ledger.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    NodeKey,
    complete_subtree_levels,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
)
from vigil.ledger.note import (
    Ed25519Signer,
    Ed25519Verifier,
    NoteSignature,
    OpenedNote,
    ed25519_key_id,
    open_note,
    sign_note,
)
from vigil.ledger.proofs import (
    consistency_proof,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from vigil.ledger.store import HashStore, MemoryHashStore

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MANIFEST_FORMAT",
    "Checkpoint",
    "CheckpointError",
    "CheckpointOriginError",
    "ConsistencyProofError",
    "Ed25519Signer",
    "Ed25519Verifier",
    "EntriesDigest",
    "HashStore",
    "InclusionProofError",
    "InvalidKeyError",
    "InvalidSignatureError",
    "KeyIdMismatchError",
    "LedgerError",
    "MalformedCheckpointError",
    "MalformedManifestError",
    "MalformedNoteError",
    "Manifest",
    "ManifestError",
    "ManifestOriginError",
    "MemoryHashStore",
    "MerkleLog",
    "NodeKey",
    "NoteError",
    "NoteSignature",
    "OpenedNote",
    "ProofError",
    "UnverifiedNoteError",
    "complete_subtree_levels",
    "consistency_proof",
    "ed25519_key_id",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "open_checkpoint",
    "open_manifest",
    "open_note",
    "root_from_leaf_hashes",
    "sign_checkpoint",
    "sign_manifest",
    "sign_note",
    "signer_of_other_log",
    "verify_consistency",
    "verify_inclusion",
]
