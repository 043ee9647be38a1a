"""The tamper-evident access log of social personal data (norm 4.4.3).

Entries are appended, never edited: each is a leaf of the organisation's
RFC 9162 Merkle tree, whose complete-subtree hashes live in ``TreeNode`` and
whose signed checkpoints live in ``LogCheckpoint``. The keys that sign
checkpoints and pseudonymise national numbers are kept in ``LogKeys``, a
table apart from the log itself.
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext_lazy as _

from vigil.accesslog.verification_messages import stored_text
from vigil.audit.fields import DepthSafeJSONField
from vigil.organisations.models import Organisation

# The content columns of an expired entry, as expiry leaves them. The append-
# only trigger accepts exactly these values.
EMPTIED_CONTENT: dict[str, Any] = {
    "user_id": "",
    "application": "",
    "action": "",
    "subject_pseudonym": b"",
    "service": "",
    "case_ref": "",
    "source_ip": None,
    "outcome": "",
}


class Action(models.TextChoices):
    CONSULT = "consult", _("consult")
    CREATE = "create", _("create")
    MODIFY = "modify", _("modify")
    DELETE = "delete", _("delete")
    PRINT = "print", _("print")
    EXPORT = "export", _("export")


class LogKeys(models.Model):
    """An organisation's secret keys: checkpoint signer and pseudonym key."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="log_keys"
    )
    origin = models.CharField(_("checkpoint origin"), max_length=200)
    signer_key = models.TextField(_("signer key"))
    verifier_key = models.TextField(_("verifier key"))
    pseudonym_key = models.BinaryField(_("pseudonym key"))
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "organisation"

    def __str__(self) -> str:
        return self.origin


# Entries per segment of the search indexes (see AccessEntry). A batch of 1,000
# entries then touches at most the few dozen index pages of one or two segments,
# and a search over ten million entries makes about 2,400 index lookups.
SEGMENT_SIZE = 4096


def segment_of(index: int) -> int:
    """Return the segment of the leaf index ``index``."""
    return index // SEGMENT_SIZE


if TYPE_CHECKING:
    _BigAutoField = models.BigAutoField[int, int]
    _DateTimeField = models.DateTimeField[Any, Any]
else:
    _BigAutoField = models.BigAutoField
    _DateTimeField = models.DateTimeField


class RowIdField(_BigAutoField):
    """Auto-incrementing primary key that SQLite keeps as a plain rowid.

    Django declares auto fields ``AUTOINCREMENT`` on SQLite, which reads and
    writes the ``sqlite_sequence`` table for every inserted row, about 13 %
    of the time of inserting a batch of 1,000 entries. Without it a new row
    still gets the highest rowid plus one, and ``AUTOINCREMENT`` would only
    keep the ids of deleted rows from coming back, which cannot happen to
    entries that the database never lets anyone delete. Other databases
    get the usual auto field.
    """

    def db_type_suffix(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "sqlite":
            return None
        return super().db_type_suffix(connection)


def millisecond_text(text: str) -> str:
    """Return Django's SQLite text of a naive time with three fraction digits.

    Django writes ``str()`` of the time, which has no fraction for a whole
    second and six digits otherwise. A time with digits below the
    millisecond keeps its six. As text, it still sorts between the
    three-digit texts around it, because it starts with the digits of its
    own millisecond: ``.250`` < ``.250400`` < ``.251``.
    """
    if len(text) == 19:
        return text + ".000"
    if len(text) == 26 and text.endswith("000"):
        return text[:23]
    return text


class MillisecondTimeField(_DateTimeField):
    """A time at millisecond precision, which SQLite stores with three digits.

    On SQLite the column contains the naive UTC text ``YYYY-MM-DD
    HH:MM:SS.mmm`` (``millisecond_text``), the leaf's text of the time with
    a space for its "T" and without its "Z". The verification builds the
    leaf's form with one ``replace()``, where Django's own two forms, with
    no fraction or with six digits, cost 0.47 us more per entry. Django
    reads the text as before, and its date functions parse it. Lookups
    bind their times through the same function, so SQLite compares texts
    of the same form. Other databases store the time as Django does.
    """

    def get_db_prep_value(
        self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False
    ) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        if connection.vendor == "sqlite" and isinstance(value, str):
            return millisecond_text(value)
        return value


class AccessEntry(models.Model):
    """One access event, stored as leaf ``index`` of the organisation's tree.

    The entry stores no leaf bytes: its columns and the log's origin
    determine them (``vigil.accesslog.encoding``), ``leaf_hash`` is their
    hash, and ``vigil.accesslog.leaves`` encodes them again when needed.
    Expiry blanks the content columns but keeps ``index``, ``event_id``,
    ``time`` and ``leaf_hash``, so the tree stays verifiable.

    Every index of the table takes keys that grow with the log, because an
    index on random keys (a pseudonym, a user id, a sender's event id) makes
    each batch of 1,000 entries write about 1,000 scattered index pages once
    the log is large. The indexes on pseudonym and user id therefore start
    with the entry's ``segment``, the leaf index divided by
    ``SEGMENT_SIZE``: a batch writes only into the index pages of the newest
    segment, and a search looks a pseudonym up once per segment. Duplicates
    are found through the index on time and event id, which grows at its end
    because senders send events roughly in time order.
    """

    id = RowIdField(primary_key=True)
    # Every index below starts with the organisation, so the foreign key needs
    # no index of its own. The database does not check that the organisation
    # exists either, because that costs every inserted entry a lookup. The
    # ingestion writes entries only for the organisation whose LogKeys row it
    # has locked, and that row's own foreign key is checked. The PROTECT rule
    # keeps an organisation with entries from being deleted.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    index = models.BigIntegerField(_("index"))
    segment = models.IntegerField(_("segment"))
    event_id = models.CharField(_("event id"), max_length=128)
    time = MillisecondTimeField(_("time"))
    user_id = models.CharField(_("user id"), max_length=64)
    application = models.CharField(_("application"), max_length=100)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # The 32 bytes of the pseudonym, which the leaf and the pages write as
    # 64 hex digits. Half the size of the hex text, it keeps the search index
    # on it small.
    subject_pseudonym = models.BinaryField(_("data subject (pseudonym)"), max_length=32)
    service = models.CharField(_("KSZ service or message"), max_length=100)
    case_ref = models.CharField(_("case file"), max_length=100, blank=True)
    source_ip = models.GenericIPAddressField(_("source address"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    expired_at = models.DateTimeField(_("content removed at"), null=True, blank=True)

    tenant_field = "organisation"

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "index"], name="access_entry_index_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation", "time", "event_id"],
                name="access_entry_time_event_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "segment", "subject_pseudonym", "time"],
                name="access_entry_subject_idx",
            ),
            models.Index(
                fields=["organisation", "segment", "user_id", "time"],
                name="access_entry_user_idx",
            ),
            # Expiry removes content from the oldest entries first, so the
            # expired entries are a prefix of the log. This small partial index
            # finds the end of that prefix without scanning it.
            models.Index(
                fields=["organisation", "index"],
                condition=models.Q(expired_at__isnull=False),
                name="access_entry_expired_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}#{self.index}"


class TreeNode(models.Model):
    """The hash of a complete subtree: ``level`` 0 is a leaf hash.

    ``tile`` groups the nodes that lie close together in the tree
    (``vigil.accesslog.store.tile_of``), so that the index that proofs read
    keeps them on the same few pages.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    tile = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    tenant_field = "organisation"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "level", "index"], name="tree_node_unique"
            )
        ]
        indexes = [
            # Proofs read about 20 nodes, one or two per level. In this index
            # the nodes of one tile are adjacent, so the nodes of a proof lie
            # on a few pages instead of one page per level, and the hash in
            # the index spares each node a row lookup. A batch writes about
            # 125 nodes, so the index costs it little.
            models.Index(
                fields=["organisation", "tile", "level", "index", "hash"],
                name="tree_node_tile_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.level}:{self.index}"


class LogCheckpoint(models.Model):
    """A signed checkpoint (C2SP signed note) of the tree at ``size``."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    size = models.BigIntegerField(_("tree size (entries)"))
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    note = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "organisation"

    class Meta:
        ordering = ["organisation", "-size"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "size"], name="checkpoint_size_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}@{self.size}"


class ExpiryStatement(models.Model):
    """A signed note by which expiry vouches for the entries it emptied.

    ``vigil.accesslog.expiry_statements`` describes the note. The columns
    repeat its range for queries; the verification reads the range from the
    signed note. A deleted or changed statement leaves expired entries that
    no valid statement covers, which the verification reports, so the table
    needs no triggers of its own.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    start = models.BigIntegerField(_("first emptied entry"))
    end = models.BigIntegerField(_("entry after the last emptied one"))
    note = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "organisation"

    class Meta:
        ordering = ["organisation", "start"]
        indexes = [
            models.Index(
                fields=["organisation", "start"], name="expiry_statement_start_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}@{self.start}-{self.end}"


class ApiToken(models.Model):
    """A revocable token with which a program ingests one organisation's events."""

    class Scope(models.TextChoices):
        INGEST = "ingest", _("access-log ingestion")
        REGISTERS = "registers", _("registers: read and change")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(
        _("scope"), max_length=20, choices=Scope.choices, default=Scope.INGEST
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    tenant_field = "organisation"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdentityPeriod(models.Model):
    """A period in which a natural person held a USERID or program number.

    The period is half-open: it covers ``valid_from`` up to but excluding
    ``valid_until``, and an empty ``valid_until`` means it is still running.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    user_id = models.CharField(_("user id or program number"), max_length=64)
    person_name = models.CharField(_("natural person"), max_length=200)
    person_reference = models.CharField(
        _("staff number or e-mail"), max_length=200, blank=True
    )
    # Their texts compare with the entries' times on SQLite.
    valid_from = MillisecondTimeField(_("valid from"))
    valid_until = MillisecondTimeField(_("valid until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    tenant_field = "organisation"

    class Meta:
        verbose_name = _("identity period")
        verbose_name_plural = _("identity periods")
        ordering = ["organisation", "user_id", "valid_from"]
        indexes = [models.Index(fields=["organisation", "user_id", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.person_name}"


class VerificationRun(models.Model):
    """The result of recomputing the organisation's log from storage."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    size = models.BigIntegerField(_("tree size (entries)"))
    ok = models.BooleanField(_("log intact"))
    first_divergent_index = models.BigIntegerField(
        _("first divergent index"), null=True, blank=True
    )
    # The English text of ``reason``, or of the counts of a run that passed.
    message = models.TextField(_("message"), blank=True)
    # The template and values of the message (verification_messages.Reason),
    # None in runs stored before they were kept.
    reason = DepthSafeJSONField(null=True, blank=True, default=None)
    expired_entries = models.BigIntegerField(default=0)
    checkpoints_checked = models.BigIntegerField(default=0)
    verifier_key = models.TextField(blank=True)

    tenant_field = "organisation"

    class Meta:
        ordering = ["organisation", "-finished_at"]

    def __str__(self) -> str:
        outcome = _("verified") if self.ok else _("failed")
        return _("verification of %(size)d entries on %(date)s: %(outcome)s") % {
            "size": self.size,
            "date": f"{self.finished_at:%Y-%m-%d}",
            "outcome": outcome,
        }

    @property
    def reason_text(self) -> str:
        """Return the message in the active language, else as stored in English."""
        return stored_text(self.reason, self.message)


from vigil.accesslog.detection.models import *  # noqa: E402, F403
