"""Search of the access log, its CSV export and the inclusion proof of entries."""

import base64
import csv
import datetime
import hashlib
import io
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import LazySettings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accesslog.factories import event, national_number
from tests.conftest import login
from vigil.accesslog.encoding import canonical_time
from vigil.accesslog.identities import add_identity_period
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.models import AccessEntry, LogKeys
from vigil.accesslog.pseudonyms import pseudonymise
from vigil.accesslog.retention import expire_entries
from vigil.accesslog.search import EXPORT_COLUMNS, MatchCount
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.ledger import Ed25519Verifier, open_checkpoint, verify_inclusion
from vigil.organisations.models import Organisation

BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY = datetime.date(2026, 3, 2)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BRUSSELS)


def url(name: str, organisation: Organisation, **kwargs: Any) -> str:
    return reverse(f"accesslog:{name}", kwargs={"org": organisation.slug, **kwargs})


def make_event(number: int, when: datetime.datetime, **fields: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "event_id": f"e-{number}",
        "time": when.isoformat(),
        "user_id": "U1",
        "application": "social-file",
        "action": "consult",
        "subject": national_number(1),
        "service": "IdentifyPerson",
    }
    event.update(fields)
    return event


def ingest(organisation: Organisation, *events: dict[str, Any]) -> None:
    records = [(line, event) for line, event in enumerate(events, start=1)]
    ingest_events(organisation, records, source="test")


@pytest.fixture
def consultant(consultant_a: User) -> Client:
    return login(consultant_a)


@pytest.fixture
def sample(centre_a: Organisation, consultant_a: User) -> None:
    """Five entries of two users, two subjects, two applications and services."""
    ingest(
        centre_a,
        make_event(1, at(MONDAY, 9), user_id="U1", subject=national_number(1)),
        make_event(2, at(MONDAY, 10), user_id="U2", subject=national_number(2)),
        make_event(
            3,
            at(MONDAY, 11),
            user_id="U1",
            subject=national_number(2),
            application="pension-tool",
            service="Pensions",
            case_ref="D-3",
        ),
        make_event(4, at(MONDAY, 15), user_id="U2", subject=national_number(1)),
        make_event(5, at(MONDAY + datetime.timedelta(days=1), 9), user_id="U1"),
    )
    add_identity_period(
        centre_a,
        user_id="U1",
        person_name="An Peeters",
        person_reference="P-1",
        valid_from=at(MONDAY - datetime.timedelta(days=30), 0),
        valid_until=at(MONDAY, 12),
        note="",
        actor=consultant_a,
    )
    add_identity_period(
        centre_a,
        user_id="U1",
        person_name="Bert Claes",
        person_reference="P-2",
        valid_from=at(MONDAY, 12),
        valid_until=None,
        note="",
        actor=consultant_a,
    )


def found(response: Any) -> list[int]:
    return [row.entry.index for row in response.context["page"].rows]


def search(client: Client, organisation: Organisation, **criteria: str) -> Any:
    return client.get(url("search", organisation), criteria)


def test_subject_search_redirects_with_pseudonym(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    number = national_number(2)
    response = consultant.post(url("search", centre_a), {"subject": number})
    assert response.status_code == 303
    location = response["Location"]
    assert number not in location
    query = parse_qs(urlsplit(location).query)
    assert query["subject_pseudonym"] == [pseudonymise(centre_a, number)]
    page = consultant.get(location)
    assert found(page) == [2, 1]
    assert number.encode() not in page.content


def test_subject_search_accepts_formatted_number(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    response = consultant.post(url("search", centre_a), {"subject": "85.07.30-002.59"})
    assert response.status_code == 303
    assert found(consultant.get(response["Location"])) == [2, 1]


def test_subject_search_rejects_invalid_number(
    consultant: Client, centre_a: Organisation
) -> None:
    response = consultant.post(url("search", centre_a), {"subject": "85073000261"})
    assert response.status_code == 400
    assert "subject" in response.context["form"].errors
    assert b"85073000261" not in response.content


def test_user_id_search_without_match_explains_case(
    consultant: Client, centre_a: Organisation
) -> None:
    ingest_events(centre_a, [(1, event(1, user_id="U123456"))], source="test")
    response = consultant.post(
        url("search", centre_a), {"user_id": "u123456"}, follow=True
    )
    assert b'data-testid="user-id-exact"' in response.content
    response = consultant.post(
        url("search", centre_a), {"user_id": "U123456"}, follow=True
    )
    assert b'data-testid="user-id-exact"' not in response.content


def test_search_rejects_unreadable_time(
    consultant: Client, centre_a: Organisation
) -> None:
    response = consultant.post(
        url("search", centre_a),
        {"since": "yesterday"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    error = " ".join(response.context["form"].errors["since"])
    assert error == (
        "“yesterday” is not a date or a date and time; write YYYY-MM-DD for the "
        "start of the day or YYYY-MM-DDTHH:MM, for example 2026-03-12T14:30."
    )


def subject_error(client: Client, organisation: Organisation, value: str) -> str:
    response = client.post(
        url("search", organisation),
        {"subject": value},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert value.encode() not in response.content
    return " ".join(response.context["form"].errors["subject"])


def test_invalid_number_hint_names_check_digits(
    consultant: Client, centre_a: Organisation
) -> None:
    error = subject_error(consultant, centre_a, "85073003329")
    assert "check digits or the birth month are wrong" in error
    assert "11 digits" not in error


def test_invalid_number_hint_names_birth_month(
    consultant: Client, centre_a: Organisation
) -> None:
    error = subject_error(consultant, centre_a, "85173003328")
    assert "check digits or the birth month are wrong" in error


@pytest.mark.parametrize("value", ["850730033", "850730033288", "8507300332x"])
def test_invalid_number_hint_names_length(
    consultant: Client, centre_a: Organisation, value: str
) -> None:
    error = subject_error(consultant, centre_a, value)
    assert error == (
        "This number must have 11 digits (dots, dashes and spaces are allowed)."
    )


def test_invalid_number_hint_in_dutch(
    consultant: Client, centre_a: Organisation
) -> None:
    response = consultant.post(
        url("search", centre_a),
        {"subject": "85073003329"},
        headers={"Accept-Language": "nl"},
    )
    error = " ".join(response.context["form"].errors["subject"])
    assert "de controlecijfers of de geboortemaand kloppen niet" in error


def test_malformed_pseudonym_in_link_rejected(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    for value in ("zz" * 32, "AB" * 32, "ab" * 31):
        response = search(consultant, centre_a, subject_pseudonym=value)
        assert response.status_code == 400
        assert "subject_pseudonym" in response.context["form"].errors
        assert "page" not in response.context


NUMBER_NOTICES = [
    ("en", "National numbers are not accepted in links"),
    ("nl", "Rijksregisternummers worden niet aanvaard in links"),
    ("fr", "Les numéros de registre national ne sont pas acceptés dans les liens"),
]


def notices(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize(("language", "notice"), NUMBER_NOTICES)
def test_number_in_link_dropped_with_notice(
    consultant: Client,
    centre_a: Organisation,
    sample: None,
    language: str,
    notice: str,
) -> None:
    number = national_number(2)
    headers = {"Accept-Language": language}
    response = consultant.get(
        url("search", centre_a), {"subject": number, "user_id": "U1"}, headers=headers
    )
    assert response.status_code == 302
    location = response["Location"]
    assert number not in location
    assert parse_qs(urlsplit(location).query) == {"user_id": ["U1"]}
    assert number not in str(response.cookies)
    page = consultant.get(location, headers=headers)
    assert page.status_code == 200
    [shown] = notices(page)
    assert notice in shown
    assert notice in page.content.decode()
    assert number.encode() not in page.content
    # The other criteria still apply: entries 0, 2 and 4 are those of U1.
    assert found(page) == [4, 2, 0]


def test_number_in_link_notice_names_field(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    response = consultant.get(
        url("search", centre_a),
        {"subject": national_number(2), "user_id": "U1"},
        headers={"Accept-Language": "en"},
        follow=True,
    )
    [shown] = notices(response)
    assert "the search below ran without the number in the link" in shown
    assert "“National number of the data subject”" in shown


def test_number_alone_in_link_claims_no_search(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    for view in ("search", "export"):
        response = consultant.get(
            url(view, centre_a),
            {"subject": national_number(2), "page": "2"},
            headers={"Accept-Language": "en"},
            follow=True,
        )
        [shown] = notices(response)
        assert shown.startswith("National numbers are not accepted in links")
        assert "the search below ran" not in shown
        assert "“National number of the data subject”" in shown
        assert "page" not in response.context


def test_number_in_link_kept_out_of_links(
    consultant: Client, centre_a: Organisation
) -> None:
    events = [make_event(n, at(MONDAY, 9)) for n in range(60)]
    ingest(centre_a, *events)
    number = national_number(1)
    typed = "85.07.30-001.60"
    assert typed.replace(".", "").replace("-", "") == number
    response = consultant.get(
        url("search", centre_a),
        {
            "subject": typed,
            "subject_pseudonym": pseudonymise(centre_a, number),
            "user_id": "U1",
        },
        follow=True,
    )
    content = response.content.decode()
    # The page builds a paging link, an export link and a link without the
    # data subject, all from the remaining criteria.
    assert 'rel="next"' in content
    assert 'data-testid="export"' in content
    assert 'data-testid="subject-filter"' in content
    assert number not in content
    assert typed not in content
    assert "subject=" not in content
    assert len(found(response)) == 50


def test_search_without_number_has_no_notice(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    for criteria in ({"user_id": "U1"}, {"user_id": "U1", "subject": " "}):
        response = consultant.get(
            url("search", centre_a), criteria, headers={"Accept-Language": "en"}
        )
        assert response.status_code == 200
        assert notices(response) == []
        assert b"not accepted in links" not in response.content
        assert found(response) == [4, 2, 0]


@pytest.mark.parametrize("export", ["export", "export_excel"])
def test_export_link_with_number_exports_nothing(
    consultant: Client, centre_a: Organisation, sample: None, export: str
) -> None:
    number = national_number(2)
    response = consultant.get(
        url(export, centre_a),
        {"subject": number, "user_id": "U1"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 302
    location = response["Location"]
    assert urlsplit(location).path == url("search", centre_a)
    assert parse_qs(urlsplit(location).query) == {"user_id": ["U1"]}
    assert number not in location
    assert not AuditEntry.objects.filter(action="accesslog.exported").exists()
    page = consultant.get(location, headers={"Accept-Language": "en"})
    [shown] = notices(page)
    assert "nothing was exported" in shown
    assert number.encode() not in page.content
    assert found(page) == [4, 2, 0]


def test_search_is_audited_without_number(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    number = national_number(2)
    location = consultant.post(url("search", centre_a), {"subject": number})
    consultant.get(location["Location"])
    audit = AuditEntry.objects.get(action="accesslog.searched")
    assert audit.new_values["subject_pseudonym"] == pseudonymise(centre_a, number)
    assert number not in str(audit.new_values)


def test_search_by_user_id(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    assert found(search(consultant, centre_a, user_id="U2")) == [3, 1]


def test_search_by_person_uses_register(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    assert found(search(consultant, centre_a, person="An Peeters")) == [2, 0]
    assert found(search(consultant, centre_a, person="P-2")) == [4]
    assert found(search(consultant, centre_a, person="nobody")) == []


def test_search_by_unknown_person_says_so(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    response = consultant.get(
        url("search", centre_a), {"person": "nobody"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 200
    assert response.context["unknown_person"] is True
    text = response.content.decode()
    assert "No person in the identity register matches “nobody”" in text
    assert "No entries match." not in text


def test_search_by_known_person_without_entries(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    response = consultant.get(
        url("search", centre_a),
        {"person": "An Peeters", "application": "nothing"},
        headers={"Accept-Language": "en"},
    )
    assert response.context["unknown_person"] is False
    assert b"No entries match." in response.content
    assert b'data-testid="unknown-person"' not in response.content


def test_results_show_user_and_person(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    response = search(consultant, centre_a, user_id="U1")
    people = {row.entry.index: row.person for row in response.context["page"].rows}
    assert people == {0: "An Peeters", 2: "An Peeters", 4: "Bert Claes"}
    assert b"An Peeters" in response.content
    assert b"<code>U1</code>" in response.content
    # Times are shown in the local zone of the settings, with its name.
    assert b"2026-03-02 09:00:00.000 CET" in response.content


def test_results_show_milliseconds(consultant: Client, centre_a: Organisation) -> None:
    ingest(
        centre_a, make_event(1, at(MONDAY, 9) + datetime.timedelta(microseconds=250999))
    )
    response = search(consultant, centre_a, user_id="U1")
    assert b"2026-03-02 09:00:00.250 CET" in response.content


def test_search_by_period(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    response = search(
        consultant, centre_a, since="2026-03-02T10:00", until="2026-03-02T15:00"
    )
    assert found(response) == [2, 1]


def test_search_rejects_inverted_period(
    consultant: Client, centre_a: Organisation
) -> None:
    response = search(
        consultant, centre_a, since="2026-03-02T10:00", until="2026-03-02T09:00"
    )
    assert response.status_code == 400


def test_search_by_application_and_service(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    assert found(search(consultant, centre_a, application="pension-tool")) == [2]
    assert found(search(consultant, centre_a, service="IdentifyPerson")) == [
        4,
        3,
        1,
        0,
    ]


def test_search_other_centre_sees_nothing(
    consultant_b: User, centre_b: Organisation, sample: None
) -> None:
    response = search(login(consultant_b), centre_b, user_id="U1")
    assert found(response) == []


def test_results_paged_by_fifty(consultant: Client, centre_a: Organisation) -> None:
    events = [make_event(n, at(MONDAY, 9)) for n in range(120)]
    ingest(centre_a, *events)
    first = search(consultant, centre_a, user_id="U1")
    page = first.context["page"]
    assert found(first) == list(range(119, 69, -1))
    assert page.newer_than is None
    second = consultant.get(
        url("search", centre_a), {"user_id": "U1", "before": page.older_than}
    )
    assert found(second) == list(range(69, 19, -1))
    third = consultant.get(
        url("search", centre_a),
        {"user_id": "U1", "before": second.context["page"].older_than},
    )
    assert found(third) == list(range(19, -1, -1))
    assert third.context["page"].older_than is None
    back = consultant.get(
        url("search", centre_a),
        {"user_id": "U1", "after": third.context["page"].newer_than},
    )
    assert found(back) == list(range(69, 19, -1))


def test_paging_is_not_audited_again(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    search(consultant, centre_a, user_id="U1")
    consultant.get(url("search", centre_a), {"user_id": "U1", "before": "2"})
    assert AuditEntry.objects.filter(action="accesslog.searched").count() == 1


@pytest.mark.parametrize("name", ["before", "after"])
@pytest.mark.parametrize("value", ["²", "٣", "9" * 5000, "9" * 20])
def test_bad_cursor_ignored(
    consultant: Client, centre_a: Organisation, sample: None, name: str, value: str
) -> None:
    """A cursor that is not ASCII digits of a database integer shows the first page."""
    response = consultant.get(url("search", centre_a), {"user_id": "U1", name: value})
    assert response.status_code == 200
    assert found(response) == found(search(consultant, centre_a, user_id="U1"))


def match_count(response: Any) -> str:
    """Return the text of the page's match count, with spaces made plain."""
    text: str = response.content.decode()
    marker = 'data-testid="match-count">'
    start = text.index(marker) + len(marker)
    return text[start : text.index("</p>", start)].replace("\u00a0", " ")


def count_queries(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in queries if "COUNT(" in query["sql"]]


def test_one_page_counted_without_query(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = search(consultant, centre_a, user_id="U1")
    assert response.context["page"].matches == MatchCount(3, exceeds_limit=False)
    assert count_queries(queries) == []


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "3 entries match."),
        ("nl", "3 logregels gevonden."),
        ("fr", "3 entrées correspondent."),
    ],
)
def test_match_count_shown(
    consultant: Client, centre_a: Organisation, sample: None, language: str, text: str
) -> None:
    response = consultant.get(
        url("search", centre_a),
        {"user_id": "U1"},
        headers={"Accept-Language": language},
    )
    assert match_count(response) == text


def test_match_count_singular(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    response = consultant.get(
        url("search", centre_a), {"person": "P-2"}, headers={"Accept-Language": "en"}
    )
    assert match_count(response) == "1 entry matches."


def test_no_match_count_without_matches(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    response = search(consultant, centre_a, user_id="nobody")
    assert response.context["page"].matches == MatchCount(0, exceeds_limit=False)
    assert b'data-testid="match-count"' not in response.content


def test_match_count_over_every_page(
    consultant: Client, centre_a: Organisation
) -> None:
    ingest(centre_a, *[make_event(n, at(MONDAY, 9)) for n in range(120)])
    first = search(consultant, centre_a, user_id="U1")
    assert first.context["page"].matches == MatchCount(120, exceeds_limit=False)
    with CaptureQueriesContext(connection) as queries:
        last = consultant.get(
            url("search", centre_a),
            {"user_id": "U1", "before": "50"},
        )
    assert found(last) == list(range(49, -1, -1))
    assert last.context["page"].matches == MatchCount(120, exceeds_limit=False)
    assert len(count_queries(queries)) == 1


@pytest.fixture
def many(centre_a: Organisation) -> None:
    """1,200 entries of user U1, so that counts need a thousands separator."""
    ingest(centre_a, *[make_event(n, at(MONDAY, 9)) for n in range(1200)])


@pytest.mark.parametrize(
    ("language", "exact", "capped"),
    [
        ("en", "1,200 entries match.", "More than 1,000 entries match."),
        ("nl", "1.200 logregels gevonden.", "Meer dan 1.000 logregels gevonden."),
        (
            "fr",
            "1 200 entrées correspondent.",
            "Plus de 1 000 entrées correspondent.",
        ),
    ],
)
def test_match_count_capped_at_limit(
    consultant: Client,
    centre_a: Organisation,
    many: None,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    exact: str,
    capped: str,
) -> None:
    headers = {"Accept-Language": language}
    response = consultant.get(
        url("search", centre_a), {"user_id": "U1"}, headers=headers
    )
    assert match_count(response) == exact

    monkeypatch.setattr("vigil.accesslog.search.COUNT_LIMIT", 1000)
    with CaptureQueriesContext(connection) as queries:
        response = consultant.get(
            url("search", centre_a), {"user_id": "U1"}, headers=headers
        )
    matches = response.context["page"].matches
    assert matches == MatchCount(1000, exceeds_limit=True)
    assert match_count(response) == capped
    [count] = count_queries(queries)
    assert "LIMIT 1001" in count


def test_export_csv_with_indices(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    response = consultant.get(url("export", centre_a), {"user_id": "U1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.getvalue().decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["index"] for row in rows] == ["0", "2", "4"]
    assert [row["person"] for row in rows] == ["An Peeters", "An Peeters", "Bert Claes"]
    stored = AccessEntry.objects.get(organisation=centre_a, index=2)
    assert rows[1]["leaf_hash"] == bytes(stored.leaf_hash).hex()
    assert rows[1]["time"] == canonical_time(stored.time)
    assert rows[1]["time"].endswith("Z")
    assert national_number(2) not in text
    assert AuditEntry.objects.filter(action="accesslog.exported").exists()


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "with times in UTC as RFC 3339 ending in Z"),
        ("nl", "met tijdstippen in UTC volgens RFC 3339, eindigend op Z"),
        ("fr", "avec des heures en UTC au format RFC 3339 terminées par Z"),
    ],
)
def test_export_link_explains_order_and_zone(
    consultant: Client,
    centre_a: Organisation,
    sample: None,
    language: str,
    text: str,
) -> None:
    response = consultant.get(
        url("search", centre_a),
        {"user_id": "U1"},
        headers={"Accept-Language": language},
    )
    content = response.content.decode()
    marker = 'data-testid="export-order">'
    assert marker in content
    start = content.index(marker) + len(marker)
    line = content[start : content.index("</small>", start)]
    assert text in line
    assert "Europe/Brussels" in line


def test_export_and_page_differ_in_order_and_zone(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    page = search(consultant, centre_a, user_id="U1")
    assert found(page) == [4, 2, 0]
    assert b"2026-03-02 09:00:00.000 CET" in page.content
    export = consultant.get(url("export", centre_a), {"user_id": "U1"})
    rows = list(csv.DictReader(io.StringIO(export.getvalue().decode())))
    assert [row["index"] for row in rows] == ["0", "2", "4"]
    # Entry 0 is at 09:00 in Brussels, which is UTC+1 in March.
    assert rows[0]["time"] == "2026-03-02T08:00:00.000Z"


def test_export_time_in_utc_in_summer(
    consultant: Client, centre_a: Organisation
) -> None:
    summer = datetime.date(2026, 7, 1)
    ingest(centre_a, make_event(1, at(summer, 9)))
    page = search(consultant, centre_a, user_id="U1")
    assert b"2026-07-01 09:00:00.000 CEST" in page.content
    export = consultant.get(url("export", centre_a), {"user_id": "U1"})
    [row] = csv.DictReader(io.StringIO(export.getvalue().decode()))
    assert row["time"] == "2026-07-01T07:00:00.000Z"


def test_export_empties_expired_content(
    consultant: Client, centre_a: Organisation
) -> None:
    old = datetime.date(2015, 3, 2)
    ingest(
        centre_a,
        make_event(1, at(old, 9), case_ref="D-1", source_ip="10.0.0.1", outcome="ok"),
        make_event(2, at(MONDAY, 9)),
    )
    expire_entries(centre_a, at(MONDAY, 12), actor=None)
    response = consultant.get(url("export", centre_a), {"since": "2015-01-01T00:00"})
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert [row["index"] for row in rows] == ["0", "1"]
    expired = rows[0]
    assert expired["event_id"] == "e-1"
    assert expired["time"] == "2015-03-02T08:00:00.000Z"
    assert len(expired["leaf_hash"]) == 64
    kept_by_expiry = ("index", "event_id", "time", "leaf_hash")
    for column in EXPORT_COLUMNS:
        if column not in kept_by_expiry:
            assert expired[column] == "", column
    assert rows[1]["user_id"] == "U1"


def test_export_neutralises_formulas(
    consultant: Client, centre_a: Organisation
) -> None:
    ingest(centre_a, make_event(1, at(MONDAY, 9), application="=HYPERLINK(1)"))
    response = consultant.get(url("export", centre_a))
    text = response.getvalue().decode()
    assert "'=HYPERLINK(1)" in text


def test_proof_verifies_against_checkpoint(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    response = consultant.get(url("proof", centre_a, index=2))
    assert response.status_code == 200
    document = response.json()
    keys = LogKeys.objects.get(organisation=centre_a)
    checkpoint = open_checkpoint(
        document["checkpoint"],
        Ed25519Verifier.from_verifier_key(keys.verifier_key),
        keys.origin,
    )
    assert checkpoint.size == document["tree_size"] == 5
    entry = AccessEntry.objects.get(organisation=centre_a, index=2)
    leaf_hash = base64.b64decode(document["leaf_hash"])
    assert leaf_hash == bytes(entry.leaf_hash)
    leaf = base64.b64decode(document["leaf"])
    assert hashlib.sha256(b"\x00" + leaf).digest() == leaf_hash
    proof = [base64.b64decode(item) for item in document["proof"]]
    verify_inclusion(leaf_hash, 2, checkpoint.size, proof, checkpoint.root_hash)


def test_proof_of_other_centre_is_404(
    consultant_b: User, centre_b: Organisation, sample: None
) -> None:
    response = login(consultant_b).get(url("proof", centre_b, index=2))
    assert response.status_code == 404


def test_results_link_proofs(
    consultant: Client, centre_a: Organisation, sample: None
) -> None:
    response = search(consultant, centre_a, user_id="U1")
    assert url("proof", centre_a, index=4).encode() in response.content


def test_proof_after_checkpoint_is_404(
    consultant: Client, centre_a: Organisation, settings: LazySettings
) -> None:
    settings.VIGIL_CHECKPOINT_INTERVAL_SECONDS = 3600
    ingest(centre_a, make_event(1, at(MONDAY, 9)))
    ingest(centre_a, make_event(2, at(MONDAY, 10)))
    covered = consultant.get(url("proof", centre_a, index=0))
    assert covered.status_code == 200
    assert covered.json()["tree_size"] == 1
    response = consultant.get(
        url("proof", centre_a, index=1), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    message = response.json()["message"]
    assert message.startswith("entry 1 is not in the tree of size 1")
    assert "'vigil accesslog checkpoint --org centre-a'" in message
    dutch = consultant.get(url("proof", centre_a, index=1), HTTP_ACCEPT_LANGUAGE="nl")
    assert dutch.status_code == 404
    assert "'vigil accesslog checkpoint --org centre-a'" in dutch.json()["message"]
    assert "entry 1" not in dutch.json()["message"]


EMPTY_SEARCH = {
    "subject": "",
    "user_id": "",
    "person": "",
    "since": "",
    "until": "",
    "application": "",
    "service": "",
    "action": "",
}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Enter at least one criterion."),
        ("nl", "Vul minstens één criterium in."),
        ("fr", "Indiquez au moins un critère."),
    ],
)
def test_empty_form_asks_for_criterion(
    consultant_a: User, centre_a: Organisation, language: str, message: str
) -> None:
    client = Client(headers={"Accept-Language": language})
    client.force_login(consultant_a)
    first_visit = client.get(url("search", centre_a))
    assert message not in first_visit.content.decode()
    response = client.post(url("search", centre_a), EMPTY_SEARCH)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditEntry.objects.filter(action="accesslog.searched").exists()
