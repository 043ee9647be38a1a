"""The messages of ``verification``, as templates with language-neutral values.

A ``Reason`` is a template below and the values that fill it: indices,
sizes, hashes, times, column names, keys, or another ``Reason`` for a value
that is described in words. The English text, template % values, is what
``VerificationRun.message`` and the audit trail store. ``to_json`` stores
the template and the values next to it, so that a page or the command line
can show the same facts in the reader's language (``text``).

Reasons are built only once a check has failed, or for the counts once all
have passed, so the checks of each entry and node build none. They are
small and picklable, because a worker process of ``verification_pool``
sends its failure back to the caller.

NOTE: the values named ``error`` are the text of a vigil.ledger error
(LedgerError, UnverifiedNoteError), which has no translations, so that
part stays in English in every language.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, gettext_noop

# The outcome of a run that passed.
LOG_VERIFIED = gettext_noop(
    "entries verified: %(size)d (of which %(expired)d expired and were "
    "checked by their leaf hash only), all matching the stored tree, and "
    "signed checkpoints verified: %(checkpoints)d"
)

# Keys. Runs no longer fail with KEY_OF_ANOTHER_LOG, because verify_log
# rejects such a key before the run, but runs stored before show it.
KEY_OF_ANOTHER_LOG = gettext_noop(
    "the checkpoint signatures do not verify with the given verifier key "
    "%(key)s: its key name is not this log's origin %(origin)s, so it is "
    "another log's key"
)
INVALID_VERIFIER_KEY = gettext_noop("the verifier key is invalid: %(error)s")
NO_KEYS = gettext_noop("the log has entries but no keys to check them")

# Entries.
ENTRY_MISSING = gettext_noop("entry %(index)s is missing")
EXPIRED_OUT_OF_ORDER = gettext_noop(
    "entry %(index)s was emptied as expired but entry %(kept)s before it was "
    "not, although expiry empties the oldest entries first"
)
EXPIRED_WITH_CONTENT = gettext_noop(
    "entry %(index)s is marked as expired, but its content columns are not "
    "empty as expiry leaves them: content was written into an expired entry, "
    "or an entry was marked as expired without expiry"
)
EXPIRED_EARLY = gettext_noop(
    "entry %(index)s was emptied as expired, but its time %(time)s lies "
    "within the retention period of %(days)s days, which keeps entries from "
    "%(retained_from)s on, and after the cut-off of every expiry statement, "
    "so its content was removed before it was due"
)
EXPIRED_EARLY_TIME_UNREADABLE = gettext_noop(
    "entry %(index)s was emptied as expired, but its time that cannot be read "
    "lies within the retention period of %(days)s days, which keeps entries "
    "from %(retained_from)s on, and after the cut-off of every expiry "
    "statement, so its content was removed before it was due"
)
EXPIRY_NOT_VOUCHED = gettext_noop(
    "entry %(index)s was emptied as expired, but no expiry statement signed "
    "with the log key covers it. Expiry signs one for the entries it empties, "
    "so the content of entry %(index)s was removed outside expiry"
)
EXPIRY_STATEMENT_INVALID = gettext_noop(
    "expiry statement %(id)s does not verify: %(error)s"
)
EXPIRED_KEYS_CHANGED = gettext_noop(
    "the time or event id that one or more of entries %(index)s to %(last)s "
    "kept when they expired differs from the keys that expiry statement "
    "%(id)s signed for them, so an expired entry was changed"
)
EXPIRY_STATEMENTS_UNREADABLE = gettext_noop(
    "the expiry statements cannot be read, so the expired entries cannot be "
    "checked: a statement's row contains text that is not valid UTF-8"
)
WRONG_SEGMENT = gettext_noop(
    "entry %(index)s is filed under segment %(found)s instead of %(segment)s, "
    "so searches by data subject, user or person do not find it"
)
LEAF_HASH_WRONG_TYPE = gettext_noop(
    "entry %(index)s has %(column)s %(found)s, expected %(size)s bytes: its "
    "leaf hash was changed"
)
LEAF_HASH_WRONG_SIZE = gettext_noop(
    "entry %(index)s has a leaf hash of %(found)s bytes, expected %(size)s"
)
COLUMNS_DIFFER = gettext_noop(
    "the columns of entry %(index)s do not match its stored leaf hash: their "
    "leaf bytes hash to %(computed)s, but the stored leaf hash is %(stored)s. "
    "A column or the leaf hash was changed"
)
# A column of the entry contains a value of another type than its own, so
# the columns give no leaf bytes.
COLUMNS_WITHOUT_LEAF = gettext_noop(
    "the columns of entry %(index)s do not match its stored leaf hash: their "
    "leaf bytes hash to none, but the stored leaf hash is %(stored)s. A column "
    "or the leaf hash was changed"
)
ENTRY_COLUMN_NOT_UTF8 = gettext_noop(
    "entry %(index)s has %(column)s %(found)s, expected text in UTF-8: a "
    "column was changed"
)
ENTRY_INDEX_OUTSIDE = gettext_noop(
    "an entry has index %(found)s, which lies outside the log's indices 0 to "
    "%(last)s, so it is no leaf of the tree: entries were added outside the log"
)
ENTRY_INDEX_OUTSIDE_EMPTY_LOG = gettext_noop(
    "an entry has index %(found)s, which lies outside the log, which has no "
    "entries, so it is no leaf of the tree: entries were added outside the log"
)
ENTRIES_REMOVED = gettext_noop(
    "the tree has nodes over %(covered)s leaves, but the log has only "
    "%(entries)s entries: entries were removed"
)

# Tree nodes. A node of level 0 covers one entry, a higher one a range.
LEAF_NODE_MISSING = gettext_noop(
    "tree node (%(level)s, %(index)s) over entry %(first)s is missing"
)
NODE_MISSING = gettext_noop(
    "tree node (%(level)s, %(index)s) over entries %(first)s to %(last)s is missing"
)
LEAF_NODE_DIFFERS = gettext_noop(
    "tree node (%(level)s, %(index)s) is %(stored)s, but entry %(first)s gives "
    "%(computed)s, so the entry was rewritten together with its leaf hash, or "
    "the stored node was changed"
)
NODE_DIFFERS = gettext_noop(
    "tree node (%(level)s, %(index)s) is %(stored)s, but entries %(first)s to "
    "%(last)s give %(computed)s, so one of entries %(first)s to %(last)s was "
    "rewritten together with its leaf hash, or the stored node was changed"
)
NODE_TILE_WRONG = gettext_noop(
    "tree node (%(level)s, %(index)s) is stored under tile %(found)s, expected "
    "%(expected)s, so proofs cannot find it: the stored node was changed"
)
NODE_HASH_WRONG_TYPE = gettext_noop(
    "tree node (%(level)s, %(index)s) has hash %(found)s, expected %(size)s "
    "bytes: the stored node was changed"
)
NODE_LEVEL_OUTSIDE = gettext_noop(
    "a tree node has level %(level)s, expected an integer from 0 to "
    "%(max_level)s, so it lies outside the tree: nodes were added"
)
NODE_INDEX_OUTSIDE = gettext_noop(
    "a tree node at level %(level)s has index %(found)s, expected an integer "
    "of 0 or more, so it lies outside the tree: nodes were added"
)

# Checkpoint rows. The column is one of the checkpoint table's.
CHECKPOINT_SIZE_WRONG = gettext_noop(
    "the checkpoint with id %(id)s has %(column)s %(found)s, expected a tree "
    "size (an integer of 0 or more), so the checkpoint cannot be checked: its "
    "row was changed"
)
CHECKPOINT_BYTES_WRONG = gettext_noop(
    "the checkpoint with id %(id)s has %(column)s %(found)s, expected bytes, "
    "so the checkpoint cannot be checked: its row was changed"
)
CHECKPOINT_TEXT_WRONG = gettext_noop(
    "the checkpoint with id %(id)s has %(column)s %(found)s, expected text, so "
    "the checkpoint cannot be checked: its row was changed"
)
CHECKPOINT_TEXT_NOT_UTF8 = gettext_noop(
    "the checkpoint with id %(id)s has %(column)s %(found)s, expected text in "
    "UTF-8, so the checkpoint cannot be checked: its row was changed"
)

# Signed checkpoints, named by their tree size.
CHECKPOINT_WITHOUT_KEYS = gettext_noop(
    "checkpoint of size %(size)s exists but the log has no keys"
)
CHECKPOINT_INVALID = gettext_noop("checkpoint of size %(size)s is not valid: %(error)s")
CHECKPOINT_COLUMNS_DIFFER = gettext_noop(
    "checkpoint of size %(size)s: its signed note names size %(note_size)s and "
    "root %(note_root)s, unlike its stored columns"
)
CHECKPOINT_ROOT_DIFFERS = gettext_noop(
    "checkpoint of size %(size)s signs root %(signed_root)s, but the stored "
    "entries give %(computed_root)s: entries from index %(index)s on are not "
    "the ones that were signed"
)
CHECKPOINT_NOT_BY_GIVEN_KEY = gettext_noop(
    "checkpoint of size %(size)s has no signature by the given verifier key "
    "%(key)s, so the checkpoint signatures do not verify with that key: it is "
    "signed by %(signers)s"
)
CHECKPOINT_NOT_BY_GIVEN_KEY_SAME_NAME = gettext_noop(
    "checkpoint of size %(size)s has no signature by the given verifier key "
    "%(key)s, so the checkpoint signatures do not verify with that key: it is "
    "signed by %(signers)s, a key with the log's name but another key id"
)
LOG_CUT_BACK = gettext_noop(
    "a signed checkpoint of size %(size)s exists, but the log has only "
    "%(entries)s entries: the log was cut back"
)

# Stored values of the wrong type, which take the place of ``found`` above.
# The bytes are hexadecimal, followed by "..." where they are cut short.
VALUE_BLOB = gettext_noop("the %(size)s-byte blob %(bytes)s")
VALUE_NOT_UTF8 = gettext_noop("text that is not valid UTF-8 (bytes %(bytes)s)")
VALUE_INTEGER = gettext_noop("the integer %(value)s")
VALUE_REAL = gettext_noop("the real number %(value)s")
# The value is the text as a Python string literal.
VALUE_TEXT = gettext_noop("the text %(value)s")

# Every upper-case text of this module is a template.
TEMPLATES = frozenset(
    value
    for name, value in list(globals().items())
    if name.isupper() and isinstance(value, str)
)


@dataclass(frozen=True, slots=True)
class Reason:
    """A message template and the values that fill it."""

    template: str
    params: "Mapping[str, int | str | Reason]"

    def english(self) -> str:
        """Return the message in English, as ``VerificationRun.message`` stores it."""
        return self._render(_unchanged)

    def text(self) -> str:
        """Return the message in the active language."""
        return self._render(gettext)

    def to_json(self) -> dict[str, Any]:
        """Return the template and values as JSON, with nested reasons as objects."""
        return {
            "template": self.template,
            "params": {
                name: value.to_json() if isinstance(value, Reason) else value
                for name, value in self.params.items()
            },
        }

    @classmethod
    def from_json(cls, data: object) -> "Reason | None":
        """Read what ``to_json`` returned, or return None for anything else.

        A template unknown to this version also gives None, so that a row
        stored by another version shows its stored message.
        """
        if not isinstance(data, dict) or set(data) != {"template", "params"}:
            return None
        template, params = data["template"], data["params"]
        if template not in TEMPLATES or not isinstance(params, dict):
            return None
        values: dict[str, int | str | Reason] = {}
        for name, value in params.items():
            if isinstance(value, dict):
                nested = cls.from_json(value)
                if nested is None:
                    return None
                values[name] = nested
            elif isinstance(value, str) or type(value) is int:
                values[name] = value
            else:
                return None
        return cls(template, values)

    def _render(self, translate: Callable[[str], str]) -> str:
        values = {
            name: value._render(translate) if isinstance(value, Reason) else value
            for name, value in self.params.items()
        }
        return translate(self.template) % values


def _unchanged(template: str) -> str:
    return template


def stored_text(reason: object, message: str) -> str:
    """Return a stored reason in the active language, else the stored message.

    ``reason`` is the JSON of a ``Reason``, or None in rows stored before
    runs kept their reason. A reason whose values do not fill its template
    also gives the stored message.
    """
    parsed = Reason.from_json(reason)
    if parsed is None:
        return message
    try:
        return parsed.text()
    except (KeyError, TypeError, ValueError):
        return message


def audit_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the values of a verification's audit entry as the trail shows them.

    That is the message in the active language, without the reason that
    gives it.
    """
    displayed = {name: value for name, value in values.items() if name != "reason"}
    if isinstance(displayed.get("message"), str):
        displayed["message"] = stored_text(values.get("reason"), displayed["message"])
    return displayed


def node_index_outside(level: int, found: "int | str | Reason") -> Reason:
    return Reason(NODE_INDEX_OUTSIDE, {"level": level, "found": found})


def node_hash_wrong_type(
    level: int, index: int, found: "str | Reason", hash_size: int
) -> Reason:
    return Reason(
        NODE_HASH_WRONG_TYPE,
        {"level": level, "index": index, "found": found, "size": hash_size},
    )


def node_differs(
    level: int, index: int, stored: bytes | None, computed: bytes
) -> Reason:
    """Return the reason of tree node ``(level, index)``, missing or differing."""
    first_leaf = index << level
    params: dict[str, int | str | Reason] = {
        "level": level,
        "index": index,
        "first": first_leaf,
    }
    if level > 0:
        params["last"] = first_leaf + (1 << level) - 1
    if stored is None:
        return Reason(NODE_MISSING if level else LEAF_NODE_MISSING, params)
    params["stored"] = stored.hex()
    params["computed"] = computed.hex()
    return Reason(NODE_DIFFERS if level else LEAF_NODE_DIFFERS, params)


def node_tile_wrong(level: int, index: int, found: object, expected: int) -> Reason:
    """Return the reason of tree node ``(level, index)`` stored under tile ``found``.

    A tile that is not an integer, which only SQLite stores, shows as its
    Python representation.
    """
    found_text = found if type(found) is int else repr(found)
    return Reason(
        NODE_TILE_WRONG,
        {"level": level, "index": index, "found": found_text, "expected": expected},
    )
