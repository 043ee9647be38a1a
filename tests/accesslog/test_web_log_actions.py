"""The status page's actions: "Verify now" and the export for an auditor."""

import datetime
import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import LazySettings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from tests.accesslog.factories import (
    cut_back,
    empty_as_expired,
    entry_id,
    ingest_batches,
    ingest_range,
    tampering,
)
from tests.conftest import login
from vigil.accesslog import bundle as bundle_service
from vigil.accesslog.keys import ensure_log_keys
from vigil.accesslog.models import LogCheckpoint, LogKeys, VerificationRun
from vigil.accesslog.verify_cli import main as verify_main
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.ledger import Ed25519Signer, sign_note
from vigil.organisations.models import Organisation

# The factories' events are all of 2026-03-02 in Brussels.
PERIOD = {"since": "2026-03-01", "until": "2026-03-02"}


def url(name: str, organisation: Organisation) -> str:
    return reverse(f"accesslog:{name}", kwargs={"org": organisation.slug})


def streamed(response: HttpResponse | StreamingHttpResponse) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)  # type: ignore[arg-type]


def messages_of(response: Any) -> list[tuple[str, str]]:
    return [
        (message.tags, str(message)) for message in get_messages(response.wsgi_request)
    ]


def exports() -> int:
    return AuditEntry.objects.filter(action="accesslog.bundle_exported").count()


def errors(response: Any, field: str) -> list[str]:
    return list(response.context["export_form"].errors.get(field, []))


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    ingest_batches(centre_a, 3, 5)
    return centre_a


@pytest.fixture
def consultant(consultant_a: User) -> Client:
    return login(consultant_a)


# The page


def test_page_shows_actions_to_manager(consultant: Client, log: Organisation) -> None:
    page = consultant.get(url("status", log)).content.decode()
    assert 'data-testid="verify-form"' in page
    assert 'data-testid="export-form"' in page
    assert url("verify", log) in page
    assert url("bundle", log) in page


@pytest.mark.parametrize("persona", ["management_a", "auditor_a"])
def test_page_hides_actions_from_readers(
    request: pytest.FixtureRequest, log: Organisation, persona: str
) -> None:
    client = login(request.getfixturevalue(persona))
    response = client.get(url("status", log))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="verify-form"' not in page
    assert 'data-testid="export-form"' not in page
    assert url("bundle", log) not in page
    assert "Vraag de consulent om de bundel" in page


def test_page_no_ask_note_for_manager(consultant: Client, log: Organisation) -> None:
    page = consultant.get(url("status", log)).content.decode()
    assert 'data-testid="export-by-consultant"' not in page


def test_page_without_checkpoint_offers_no_export(
    consultant: Client, centre_a: Organisation
) -> None:
    page = consultant.get(url("status", centre_a)).content.decode()
    assert 'data-testid="export-form"' not in page
    assert "De log heeft nog geen controlepunt" in page
    assert 'data-testid="verify-form"' in page


def test_export_form_defaults_to_last_month(
    consultant: Client, log: Organisation
) -> None:
    with mock.patch(
        "vigil.accesslog.views.status.timezone.localdate",
        return_value=datetime.date(2026, 3, 15),
    ):
        form = consultant.get(url("status", log)).context["export_form"]
    assert form["since"].value().isoformat() == "2026-02-01"
    assert form["until"].value().isoformat() == "2026-02-28"


# Permissions, tenancy and CSRF


@pytest.mark.parametrize("persona", ["management_a", "auditor_a"])
@pytest.mark.parametrize("name", ["verify", "bundle"])
def test_readers_get_403(
    request: pytest.FixtureRequest, log: Organisation, persona: str, name: str
) -> None:
    client = login(request.getfixturevalue(persona))
    response = client.post(url(name, log), PERIOD)
    assert response.status_code == 403
    assert not VerificationRun.objects.exists()
    assert exports() == 0


def test_viewer_gets_403(viewer_a: User, log: Organisation) -> None:
    client = login(viewer_a)
    assert client.post(url("verify", log)).status_code == 403
    assert client.post(url("bundle", log), PERIOD).status_code == 403


@pytest.mark.parametrize("name", ["verify", "bundle"])
def test_other_centre_gets_404(
    consultant_b: User, log: Organisation, name: str
) -> None:
    checkpoints = LogCheckpoint.objects.filter(organisation=log).count()
    response = login(consultant_b).post(url(name, log), PERIOD)
    assert response.status_code == 404
    assert not isinstance(response, StreamingHttpResponse)
    assert not VerificationRun.objects.exists()
    assert exports() == 0
    assert LogCheckpoint.objects.filter(organisation=log).count() == checkpoints


@pytest.mark.parametrize("name", ["verify", "bundle"])
def test_anonymous_goes_to_login(log: Organisation, name: str) -> None:
    response = Client().post(url(name, log), PERIOD)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert exports() == 0


@pytest.mark.parametrize("name", ["verify", "bundle"])
def test_get_not_allowed(consultant: Client, log: Organisation, name: str) -> None:
    assert consultant.get(url(name, log)).status_code == 405


@pytest.mark.parametrize("name", ["verify", "bundle"])
def test_post_without_csrf_token_rejected(
    consultant_a: User, log: Organisation, name: str
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(consultant_a)
    assert client.post(url(name, log), PERIOD).status_code == 403
    assert not VerificationRun.objects.exists()
    assert exports() == 0


# Verify now


def test_verify_now_records_run(
    consultant: Client, consultant_a: User, log: Organisation
) -> None:
    response = consultant.post(url("verify", log), follow=True)
    run = VerificationRun.objects.get(organisation=log)
    audit = AuditEntry.objects.get(action="accesslog.verified")
    assert run.ok
    assert run.size == 15
    assert audit.actor == consultant_a
    assert messages_of(response) == [
        (
            "success",
            "De log is intact: geverifieerde logregels: 15 (waarvan 0 verlopen en "
            "alleen op hun hash van het blad nagekeken), alle in overeenstemming met "
            "de opgeslagen boom, en geverifieerde ondertekende controlepunten: 3.",
        )
    ]
    assert response.context["verification"] == run


def test_verify_now_reports_failure(consultant: Client, log: Organisation) -> None:
    with tampering() as cursor:
        cursor.execute(
            "UPDATE accesslog_accessentry SET user_id = 'U999' WHERE id = %s",
            [entry_id(log, 7)],
        )
    response = consultant.post(url("verify", log), follow=True)
    run = VerificationRun.objects.get(organisation=log)
    [(level, text)] = messages_of(response)
    assert not run.ok
    assert level == "error"
    assert text.startswith("De verificatie is mislukt, eerste afwijkende logregel 7: ")
    assert 'class="status failed"' in response.content.decode()


def test_verify_now_over_limit_runs_nothing(
    consultant: Client, log: Organisation, settings: LazySettings
) -> None:
    settings.VIGIL_ACCESSLOG_WEB_VERIFY_MAX_ENTRIES = 14
    response = consultant.post(url("verify", log), follow=True)
    notice = (
        "De log heeft 15 logregels, meer dan de 14 die deze pagina in één verzoek "
        "verifieert. Voer in plaats daarvan vigil accesslog verify --org centre-a "
        "uit op de server, bijvoorbeeld elke nacht vanuit cron. Zijn verificaties "
        "verschijnen op deze pagina."
    )
    assert not VerificationRun.objects.exists()
    assert not AuditEntry.objects.filter(action="accesslog.verified").exists()
    assert messages_of(response) == [("warning", notice)]
    page = response.content.decode()
    assert 'data-testid="verify-form"' not in page
    assert 'data-testid="verify-too-large"' in page


def test_verify_now_at_limit_runs(
    consultant: Client, log: Organisation, settings: LazySettings
) -> None:
    settings.VIGIL_ACCESSLOG_WEB_VERIFY_MAX_ENTRIES = 15
    consultant.post(url("verify", log))
    assert VerificationRun.objects.get(organisation=log).ok


# Export for an auditor


def download(client: Client, organisation: Organisation, **data: Any) -> Any:
    return client.post(url("bundle", organisation), {**PERIOD, **data})


def test_export_downloads_bundle(
    consultant: Client, consultant_a: User, log: Organisation, tmp_path: Path
) -> None:
    response = download(consultant, log)
    content = streamed(response)
    bundle = json.loads(content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        'attachment; filename="accesslog-centre-a-bundle-2026-03-01-2026-03-02.json"'
    )
    assert response["Cache-Control"] == "no-store"
    assert bundle["format"] == bundle_service.BUNDLE_FORMAT
    assert bundle["from"] == "2026-02-28T23:00:00.000Z"
    assert bundle["to"] == "2026-03-02T23:00:00.000Z"
    assert [entry["index"] for entry in bundle["entries"]] == list(range(15))
    audit = AuditEntry.objects.get(action="accesslog.bundle_exported")
    assert audit.actor == consultant_a
    assert audit.new_values["entries"] == 15


def test_downloaded_bundle_verifies(
    consultant: Client,
    log: Organisation,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(streamed(download(consultant, log)))
    key = ensure_log_keys(log).verifier_key
    assert verify_main([str(path), "--key", key]) == 0
    output = capsys.readouterr().out
    assert "OK: 15 entries are in the tree of size 15" in output
    assert "OK: the manifest signed by " in output


def test_export_streams_in_chunks(consultant: Client, log: Organisation) -> None:
    with mock.patch.object(bundle_service, "EXPORT_CHUNK", 4):
        response = download(consultant, log)
        pieces = list(response.streaming_content)
    # The header, three pieces of four entries, then the last three entries
    # with the manifest.
    assert len(pieces) == 5
    assert json.loads(b"".join(pieces))["entries"][14]["index"] == 14


def test_export_recorded_only_at_end(log: Organisation, consultant_a: User) -> None:
    # The server closes the generator when a download breaks off. Closing the
    # response in a test would also close the test's database connection.
    start = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(2026, 3, 3, tzinfo=datetime.UTC)
    export = bundle_service.prepare_bundle(log, start, end, actor=consultant_a)
    pieces = export.chunks()
    next(pieces)
    pieces.close()
    assert exports() == 0
    with pytest.raises(RuntimeError, match="not written to its end"):
        export.summary  # noqa: B018


def test_export_with_pasted_previous_checkpoint(
    consultant: Client,
    log: Organisation,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    kept = LogCheckpoint.objects.get(organisation=log, size=5).note
    # A textarea sends CRLF line ends and may lose the final newline.
    pasted = kept.rstrip("\n").replace("\n", "\r\n")
    response = download(consultant, log, previous_text=pasted)
    path = tmp_path / "bundle.json"
    path.write_bytes(streamed(response))
    previous = tmp_path / "kept.checkpoint"
    previous.write_text(kept, encoding="utf-8")
    key = ensure_log_keys(log).verifier_key
    assert json.loads(path.read_bytes())["consistency"]["old_size"] == 5
    assert verify_main([str(path), "--key", key, "--previous", str(previous)]) == 0
    assert "extends your previous checkpoint of size 5" in capsys.readouterr().out
    audit = AuditEntry.objects.get(action="accesslog.bundle_exported")
    assert audit.new_values["previous_size"] == 5


def test_export_with_uploaded_previous_checkpoint(
    consultant: Client, log: Organisation
) -> None:
    kept = LogCheckpoint.objects.get(organisation=log, size=10).note
    upload = SimpleUploadedFile("centre-a-10.checkpoint", kept.encode())
    response = download(consultant, log, previous_file=upload)
    assert json.loads(streamed(response))["consistency"]["old_size"] == 10


# Rejected exports: the error in Dutch on its field, nothing signed or recorded


@pytest.fixture
def unchanged(log: Organisation, consultant: Client) -> Any:
    """Check after the test that nothing was signed or recorded."""
    checkpoints = LogCheckpoint.objects.count()
    audit = AuditEntry.objects.count()
    yield
    assert LogCheckpoint.objects.count() == checkpoints
    assert AuditEntry.objects.count() == audit


@pytest.mark.usefixtures("unchanged")
def test_export_until_before_since(consultant: Client, log: Organisation) -> None:
    response = download(consultant, log, since="2026-03-31", until="2026-03-01")
    assert response.status_code == 400
    assert errors(response, "until") == [
        "De laatste dag 2026-03-01 ligt vóór de eerste dag 2026-03-31. Vul een "
        "laatste dag in die op of na de eerste dag valt."
    ]
    page = response.content.decode()
    assert "De laatste dag 2026-03-01 ligt vóór de eerste dag 2026-03-31" in page


@pytest.mark.usefixtures("unchanged")
def test_export_invalid_date(consultant: Client, log: Organisation) -> None:
    response = download(consultant, log, since="2026-02-30")
    assert response.status_code == 400
    assert errors(response, "since") == [
        "“2026-02-30” is geen datum: februari 2026 heeft 28 dagen; schrijf "
        "JJJJ-MM-DD, bijvoorbeeld 2026-03-12."
    ]


@pytest.mark.usefixtures("unchanged")
def test_export_malformed_previous_note(consultant: Client, log: Organisation) -> None:
    response = download(consultant, log, previous_text="vigil.accesslog/x\n5\n")
    assert response.status_code == 400
    [message] = errors(response, "previous_text")
    assert message.startswith(
        "“vigil.accesslog/x” is geen ondertekend controlepunt van deze log: het "
        "is geen ondertekende notitie, die haar tekst, een lege regel en "
        "handtekeningregels bevat die met “—” beginnen. "
    )
    assert message.endswith(
        "Geef de hele notitie die de auditor van de log van dit centrum bewaarde, "
        "van de eerste regel tot de handtekeningregel."
    )


def test_export_previous_of_other_centre(
    consultant: Client, log: Organisation, centre_b: Organisation
) -> None:
    ingest_batches(centre_b, 1, 3)
    foreign = LogCheckpoint.objects.get(organisation=centre_b).note
    checkpoints = LogCheckpoint.objects.count()
    audit = AuditEntry.objects.count()
    upload = SimpleUploadedFile("b.checkpoint", foreign.encode())
    response = download(consultant, log, previous_file=upload)
    [message] = errors(response, "previous_file")
    assert response.status_code == 400
    assert message.startswith(
        "“vigil.accesslog/0999999823/centre-b” is geen ondertekend controlepunt "
        "van deze log: het is een controlepunt van een andere log. "
    )
    assert LogCheckpoint.objects.count() == checkpoints
    assert AuditEntry.objects.count() == audit


def test_export_entry_emptied_early_form_error(
    consultant: Client, log: Organisation
) -> None:
    # An entry of March 2026 emptied now, outside expiry: the page shows the
    # error instead of starting a download that breaks off.
    empty_as_expired(log, range(1))
    response = download(consultant, log)
    assert response.status_code == 409
    assert not response.streaming
    assert "logregel 0 is als verlopen geleegd" in response.content.decode()
    assert not AuditEntry.objects.filter(action="accesslog.bundle_exported").exists()


def test_export_rejected_before_signing(
    consultant: Client, log: Organisation, settings: LazySettings
) -> None:
    # With an interval the latest batch waits for its checkpoint, which an
    # export signs, but only once the earlier checkpoint was accepted.
    settings.VIGIL_CHECKPOINT_INTERVAL_SECONDS = 3600
    ingest_range(log, 100, 103)
    checkpoints = LogCheckpoint.objects.filter(organisation=log).count()
    audit = AuditEntry.objects.count()
    response = download(consultant, log, previous_text="vigil.accesslog/x\n5\n")
    assert response.status_code == 400
    assert LogCheckpoint.objects.filter(organisation=log).count() == checkpoints
    assert AuditEntry.objects.count() == audit


@pytest.mark.usefixtures("unchanged")
def test_export_previous_file_not_text(consultant: Client, log: Organisation) -> None:
    upload = SimpleUploadedFile("kept.checkpoint", b"\xff\xfe\x00binary")
    response = download(consultant, log, previous_file=upload)
    assert errors(response, "previous_file") == [
        "Het bestand “kept.checkpoint” is geen UTF-8-tekst, dus geen notitie van "
        "een controlepunt. Kies het .checkpoint-bestand dat de auditor bewaarde."
    ]


@pytest.mark.usefixtures("unchanged")
def test_export_previous_file_too_large(consultant: Client, log: Organisation) -> None:
    upload = SimpleUploadedFile("big.checkpoint", b"x" * 70_000)
    response = download(consultant, log, previous_file=upload)
    assert errors(response, "previous_file") == [
        "Het bestand “big.checkpoint” heeft 70000 bytes, maar de notitie van een "
        "controlepunt heeft er enkele honderden. Kies het .checkpoint-bestand dat "
        "de auditor bewaarde."
    ]


@pytest.mark.usefixtures("unchanged")
def test_export_previous_text_and_file(consultant: Client, log: Organisation) -> None:
    kept = LogCheckpoint.objects.get(organisation=log, size=5).note
    upload = SimpleUploadedFile("kept.checkpoint", kept.encode())
    response = download(consultant, log, previous_text=kept, previous_file=upload)
    assert errors(response, "previous_file") == [
        "Geef het controlepunt als geplakte tekst of als bestand, niet allebei. "
        "Maak het tekstveld leeg of kies geen bestand."
    ]


def test_export_previous_of_cut_back_log(consultant: Client, log: Organisation) -> None:
    kept = LogCheckpoint.objects.get(organisation=log, size=15).note
    with tampering() as cursor:
        cut_back(cursor, log, 10)
        cursor.execute(
            "DELETE FROM accesslog_logcheckpoint "
            "WHERE organisation_id = %s AND size > 10",
            [log.pk],
        )
    audit = AuditEntry.objects.count()
    response = download(consultant, log, previous_text=kept)
    [message] = errors(response, "previous_text")
    assert response.status_code == 400
    assert message.startswith(
        "Het controlepunt “vigil.accesslog/0999999922/centre-a” heeft boomgrootte "
        "15, maar de log heeft nu maar 10 logregels."
    )
    assert message.endswith("Behandel dit als een veiligheidsincident.")
    assert AuditEntry.objects.count() == audit
    assert not LogCheckpoint.objects.filter(organisation=log, size__gt=10).exists()


def test_export_without_checkpoint(consultant: Client, centre_a: Organisation) -> None:
    response = download(consultant, centre_a)
    assert response.status_code == 400
    assert "De log heeft nog geen controlepunt" in response.content.decode()
    assert response.context["export_form"].non_field_errors() == [
        "De log heeft nog geen controlepunt, omdat hij nog geen gebeurtenis "
        "ontving, dus er is niets te exporteren. Exporteer zodra er gebeurtenissen "
        "aangekomen zijn."
    ]
    assert not LogKeys.objects.filter(organisation=centre_a).exists()
    assert not LogCheckpoint.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="accesslog.").exists()


@pytest.mark.usefixtures("unchanged")
def test_export_period_rejected_by_service(
    consultant: Client, log: Organisation
) -> None:
    # The form's days never give a period that the manifest cannot state, so
    # the test makes one.
    with mock.patch(
        "vigil.accesslog.views.log_actions.export_period",
        return_value=(
            datetime.datetime(2026, 3, 1, 0, 0, 0, 500, tzinfo=datetime.UTC),
            datetime.datetime(2026, 3, 3, tzinfo=datetime.UTC),
        ),
    ):
        response = download(consultant, log)
    [message] = errors(response, "until")
    assert response.status_code == 400
    assert message.startswith(
        "De periode van 2026-03-01 tot 2026-03-02 kan niet geëxporteerd worden: "
    )
    assert "has digits below the millisecond" in message
    assert message.endswith("Kies andere dagen.")


def test_export_of_damaged_log_breaks_off(
    consultant: Client, log: Organisation
) -> None:
    with tampering() as cursor:
        cursor.execute(
            "UPDATE accesslog_accessentry SET user_id = 'U999' WHERE id = %s",
            [entry_id(log, 7)],
        )
    response = download(consultant, log)
    pieces: list[bytes] = []
    with pytest.raises(ValueError, match=r"^logregel 7 "):
        for piece in response.streaming_content:
            pieces.append(piece)
    tail = pieces[-1].decode()
    assert tail.startswith("\n\nEXPORT MISLUKT: logregel 7 ")
    assert tail.endswith(
        "Dit bestand is onvolledig en geen bundel, en de export werd niet "
        "geregistreerd."
    )
    assert exports() == 0


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    ("language", "start", "end"),
    [
        ("nl", "is een verificatiesleutel, geen controlepunt. ", "handtekeningregel."),
        ("en", "is a verifier key, not a checkpoint. ", "its signature line."),
        ("fr", "\u00a0» est une clé de vérification, pas un point de contrôle. ", ""),
    ],
)
def test_export_previous_is_verifier_key(
    consultant: Client,
    log: Organisation,
    settings: LazySettings,
    language: str,
    start: str,
    end: str,
) -> None:
    key = LogKeys.objects.get(organisation=log).verifier_key
    consultant.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = download(consultant, log, previous_text=key + "\r\n")
    assert response.status_code == 400
    [message] = errors(response, "previous_text")
    assert start in message
    assert message.endswith(end)
    assert "blank line" not in message


@pytest.mark.usefixtures("unchanged")
def test_export_previous_file_is_verifier_key(
    consultant: Client, log: Organisation
) -> None:
    key = LogKeys.objects.get(organisation=log).verifier_key
    upload = SimpleUploadedFile("centre-a.vkey", (key + "\n").encode())
    response = download(consultant, log, previous_file=upload)
    assert response.status_code == 400
    [message] = errors(response, "previous_file")
    assert message.startswith("“vigil.accesslog/")
    assert "” is een verificatiesleutel, geen controlepunt. " in message


@pytest.mark.usefixtures("one_day_retention")
def test_export_of_unvouched_expiry_is_409(
    consultant: Client, log: Organisation
) -> None:
    empty_as_expired(log, range(2), vouched=False)
    audit = exports()
    response = download(consultant, log)
    assert response.status_code == 409
    assert "logregel 0 is als verlopen geleegd" in response.content.decode()
    [message] = response.context["export_form"].non_field_errors()
    assert message.startswith(
        "logregel 0 is als verlopen geleegd, maar geen verloopverklaring"
    )
    assert exports() == audit


@pytest.mark.usefixtures("unchanged")
def test_export_previous_changed_text(consultant: Client, log: Organisation) -> None:
    note = LogCheckpoint.objects.get(organisation=log, size=5).note
    changed = note.replace("\n5\n", "\n6\n", 1)
    response = download(consultant, log, previous_text=changed)
    [message] = errors(response, "previous_text")

    assert response.status_code == 400
    assert (
        ": de handtekening past niet bij de tekst, dus de tekst werd gewijzigd. "
        in (message)
    )


@pytest.mark.usefixtures("unchanged")
def test_export_previous_signed_other_text(
    consultant: Client, log: Organisation
) -> None:
    signer = Ed25519Signer.from_signer_key(ensure_log_keys(log).signer_key)
    note = sign_note("not a checkpoint\n", signer)
    response = consultant.post(
        url("bundle", log),
        {**PERIOD, "previous_text": note},
        headers={"Accept-Language": "fr"},
    )
    [message] = errors(response, "previous_text")

    assert response.status_code == 400
    assert (
        "\u00a0: son texte n'est pas un point de contrôle, dont les trois premières "
        "lignes sont le nom du journal, la taille de l'arbre et le hachage racine. "
    ) in message


def test_export_with_uploaded_checkpoint_with_bom(
    consultant: Client, log: Organisation
) -> None:
    # Windows Notepad saved UTF-8 files with a byte order mark by default.
    note = LogCheckpoint.objects.get(organisation=log, size=10).note
    upload = SimpleUploadedFile(
        "centre-a-10.checkpoint", b"\xef\xbb\xbf" + note.encode()
    )
    response = download(consultant, log, previous_file=upload)
    assert json.loads(streamed(response))["consistency"]["old_size"] == 10
