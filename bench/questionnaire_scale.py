"""Time the questionnaire page, one answer save and the dashboard at scale.

The script creates its own database (an SQLite file under VIGIL_DATA_DIR or a
PostgreSQL database that it creates and drops), migrates it, loads the shipped
catalog and seeds centres with fully answered questionnaires. It then drives
the views through Django's test client, in process, so the figures are server
time without network. Everything runs first on a small data set in a database
of its own, then at the requested size. The script exits with status 1 when a
query count differs between the two sizes or a median misses its target.

Run ``.venv/bin/python bench/questionnaire_scale.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from django.test import Client

    from vigil.accounts.models import User
    from vigil.assessments.models import Answer, Assessment
    from vigil.catalog.models import AnswerOption, CatalogVersion, Norm
    from vigil.organisations.models import Organisation

# The small data set that every query count is compared with.
SMALL_CENTRES = 6
SMALL_YEARS = 2

# Median times, in milliseconds, that the requested size must meet.
PAGE_TARGET_MS = 50.0
SAVE_TARGET_MS = 30.0

SYNTHETIC_VERSION = "bench-synthetic"
SYNTHETIC_NORMS = 134
SYNTHETIC_CHAPTERS = 10

# Centres seeded per transaction: large enough for fast bulk inserts, small
# enough to keep the unsaved rows of one transaction in memory.
CENTRES_PER_TRANSACTION = 20
INSERT_BATCH_SIZE = 1000

DEFAULT_POSTGRESQL_URL = "postgresql://postgres@127.0.0.1:5432/vigil_bench"
DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,50}$")


@dataclass(frozen=True)
class Size:
    centres: int
    years: int


@dataclass
class Seeded:
    """The data a run measures: catalog, users and the centre and answer they use."""

    catalog: CatalogVersion
    centre: Organisation
    draft_year: int
    chapter_code: str
    answer: Answer
    users: dict[str, User]
    answers: int
    seconds: float


@dataclass
class Timing:
    """Milliseconds of each timed request of one measurement, and its queries."""

    samples: list[float] = field(default_factory=list)
    queries: int = 0
    # The 1-minute load average of the machine right after the timed requests.
    load: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        """The 95th percentile by the nearest-rank method."""
        ordered = sorted(self.samples)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]


@dataclass
class RunResult:
    seeded_answers: int
    seed_seconds: float
    timings: dict[tuple[str, str], Timing]


MEASUREMENTS = ("page", "save", "dashboard")
USER_LABELS = {
    "one": "consultant of 1 centre",
    "all": "consultant of every centre",
}


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "Seed centres with answered questionnaires and time the questionnaire "
            "page, an answer save and the dashboard."
        )
    )
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument(
        "--catalog",
        choices=("shipped", "synthetic"),
        default="shipped",
        help=(
            "the shipped 28-norm KSZ catalog, or a generated catalog of "
            f"{SYNTHETIC_NORMS} norms in {SYNTHETIC_CHAPTERS} chapters "
            "(default: shipped)"
        ),
    )

    parser.add_argument(
        "--centres", type=int, default=600, help="centres to seed (default: 600)"
    )
    parser.add_argument(
        "--years",
        type=int,
        default=10,
        help="questionnaire years per centre, the last one in progress (default: 10)",
    )

    parser.add_argument(
        "--requests",
        type=int,
        default=200,
        help="timed requests per measurement and user (default: 200)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=10,
        help="untimed requests per user before each measurement (default: 10)",
    )

    parser.add_argument(
        "--postgresql-url",
        default=DEFAULT_POSTGRESQL_URL,
        help=(
            "server and database name for --engine postgresql: the script creates "
            "this database and one with the suffix _small, and drops both at the end "
            f"(default: {DEFAULT_POSTGRESQL_URL})"
        ),
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=2005,
        help="random seed of the answer mix (default: 2005)",
    )

    arguments = parser.parse_args(argv)
    if arguments.centres < 1:
        parser.error(f"--centres {arguments.centres}: give at least 1 centre")
    if arguments.years < 1:
        parser.error(f"--years {arguments.years}: give at least 1 year")
    if arguments.requests < 1:
        parser.error(f"--requests {arguments.requests}: give at least 1 request")
    if arguments.warmup < 0:
        parser.error(f"--warmup {arguments.warmup}: give 0 or more requests")
    return arguments


# Databases


class Database:
    """One benchmark database: created empty, used, then removed."""

    def __init__(self, engine: str, name: str, url: str) -> None:
        self.engine = engine
        self.name = name
        self.url = url

    @classmethod
    def for_size(cls, arguments: argparse.Namespace, suffix: str) -> Database:
        if arguments.engine == "sqlite":
            data_dir = Path(os.environ["VIGIL_DATA_DIR"])
            path = data_dir / f"bench{suffix}.sqlite3"
            return cls("sqlite", str(path), f"sqlite:///{path}")
        parts = urlsplit(arguments.postgresql_url)
        if parts.scheme not in {"postgres", "postgresql"}:
            raise SystemExit(
                f"--postgresql-url {arguments.postgresql_url!r} is not a PostgreSQL "
                "URL; use postgresql://user@host:port/name"
            )
        name = parts.path.lstrip("/") + suffix
        if not DATABASE_NAME.match(name):
            raise SystemExit(
                f"--postgresql-url names the database {name!r}; use lower-case "
                "letters, digits and underscores only"
            )
        url = urlunsplit(parts._replace(path=f"/{name}"))
        return cls("postgresql", name, url)

    def _server(self) -> str:
        """Return the URL of the server's maintenance database ``postgres``."""
        return urlunsplit(urlsplit(self.url)._replace(path="/postgres"))

    def create(self) -> None:
        if self.engine == "sqlite":
            Path(self.name).parent.mkdir(parents=True, exist_ok=True)
            self._remove_sqlite_files()
            return
        import psycopg
        from psycopg import sql

        with psycopg.connect(self._server(), autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.name]
            ).fetchone()
            if exists:
                raise SystemExit(
                    f"database {self.name} already exists, maybe from an interrupted "
                    f"run; drop it (dropdb {self.name}) or choose another name with "
                    "--postgresql-url"
                )
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name))
            )

    def drop(self) -> None:
        if self.engine == "sqlite":
            self._remove_sqlite_files()
            return
        import psycopg
        from psycopg import sql

        with psycopg.connect(self._server(), autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(self.name))
            )

    def _remove_sqlite_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(self.name + suffix).unlink(missing_ok=True)

    def activate(self) -> None:
        """Point Django's default connection at this database."""
        from django.conf import settings
        from django.db import connection

        connection.close()
        settings.DATABASES["default"]["NAME"] = self.name
        connection.settings_dict["NAME"] = self.name

    def analyze(self) -> None:
        """Give PostgreSQL's planner statistics of the seeded tables.

        A default server's autovacuum analyzes tables within minutes of a bulk
        load. Without statistics the planner reads all answers sequentially to
        find one centre's. SQLite is left without statistics because Vigil
        never runs its ANALYZE.
        """
        from django.db import connection

        if self.engine == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def version(self) -> str:
        from django.db import connection

        with connection.cursor() as cursor:
            if self.engine == "sqlite":
                cursor.execute("SELECT sqlite_version()")
            else:
                cursor.execute("SHOW server_version")
            row = cursor.fetchone()
        # PostgreSQL adds the build after a space: "15.20 (Debian 15.20-0+deb12u1)".
        return str(row[0]).split()[0] if row else "unknown"


def configure_django(first: Database) -> None:
    """Set the environment the settings read, then set up Django."""
    os.environ["DATABASE_URL"] = first.url
    os.environ["DJANGO_SETTINGS_MODULE"] = "vigil.settings"
    # The test client sends requests for the host "testserver".
    os.environ["VIGIL_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("VIGIL_LOG_LEVEL", "WARNING")
    import django

    django.setup()


# Catalogs


def shipped_catalog_data() -> dict[str, Any]:
    from vigil.catalog.loader import shipped_catalog_paths

    path = shipped_catalog_paths()[0]
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def synthetic_catalog_data(
    norm_count: int = SYNTHETIC_NORMS, chapter_count: int = SYNTHETIC_CHAPTERS
) -> dict[str, Any]:
    """Build a catalog in the shipped format with ``norm_count`` norms.

    The norms reuse the shipped norms' texts in turn, so titles, requirements
    and guidance have the lengths of real norms.
    """
    shipped = shipped_catalog_data()
    sources = [norm for chapter in shipped["chapters"] for norm in chapter["norms"]]
    per_chapter, extra = divmod(norm_count, chapter_count)
    chapters: list[dict[str, Any]] = []
    used = 0
    for index in range(chapter_count):
        chapter_id = str(index + 1)
        source_chapter = shipped["chapters"][index % len(shipped["chapters"])]
        norms = []
        for number in range(per_chapter + (1 if index < extra else 0)):
            source = sources[used % len(sources)]
            used += 1
            norms.append(
                {
                    "id": f"{chapter_id}.{number + 1}",
                    "title": source["title"],
                    "requirement": source["requirement"],
                    "guidance": source["guidance"],
                    "registers": source["registers"],
                    "iso27002_2022": source["iso27002_2022"],
                    "flags": [],
                    "retired_since": None,
                }
            )
        chapters.append(
            {"id": chapter_id, "title": source_chapter["title"], "norms": norms}
        )
    languages = shipped["languages"]
    title = f"Benchmark catalog of {norm_count} norms"
    source = (
        "Generated by bench/questionnaire_scale.py from the texts of the shipped "
        "catalog."
    )
    return {
        "format": shipped["format"],
        "version": SYNTHETIC_VERSION,
        "title": dict.fromkeys(languages, title),
        "issued": shipped["issued"],
        "source": dict.fromkeys(languages, source),
        "languages": shipped["languages"],
        "answer_scale": shipped["answer_scale"],
        "chapters": chapters,
    }


def load_catalogs(kind: str) -> CatalogVersion:
    """Load the shipped catalog and, if ``kind`` is "synthetic", the generated one.

    Return the catalog that the seeded questionnaires use.
    """
    from vigil.catalog.loader import (
        load_catalog_data,
        load_catalog_file,
        shipped_catalog_paths,
    )
    from vigil.catalog.models import CatalogVersion
    from vigil.catalog.validation import validate_catalog_text

    for path in shipped_catalog_paths():
        load_catalog_file(path)
    if kind == "shipped":
        return CatalogVersion.objects.get(code=shipped_catalog_data()["version"])
    data, problems = validate_catalog_text(
        json.dumps(synthetic_catalog_data()), "synthetic catalog"
    )
    if problems or data is None:
        details = "\n".join(str(problem) for problem in problems)
        raise SystemExit(f"the generated synthetic catalog is invalid:\n{details}")
    load_catalog_data(data)
    return CatalogVersion.objects.get(code=SYNTHETIC_VERSION)


# Seeding

OWNERS = ("An Peeters", "Luc Janssens", "ICT", "Technische dienst", "Secretariaat")
COMMENTS = (
    "Procedure goedgekeurd door het vast bureau.",
    "Opgevolgd in het veiligheidsplan.",
    "Controle uitgevoerd door de intercommunale.",
    "Wordt besproken met de gemeente.",
    "",
    "",
)
JUSTIFICATIONS = (
    "Het OCMW gebruikt dit systeem niet.",
    "Externe verbindingen lopen via het Extranet van de sociale zekerheid.",
    "De gemeente beheert dit voor het OCMW.",
)


def enterprise_number(index: int) -> str:
    """Return a valid enterprise number: 8 digits, then 97 minus them modulo 97."""
    first_eight = f"{10_000_000 + index:08d}"
    return first_eight + f"{97 - int(first_eight) % 97:02d}"


class AnswerMix:
    """A random source of answers, with more norms implemented in later years."""

    def __init__(self, options: dict[str, AnswerOption], seed: int) -> None:
        missing = {"implemented", "partial", "not_implemented", "not_applicable"} - set(
            options
        )
        if missing:
            raise SystemExit(
                f"the catalog's answer scale lacks {', '.join(sorted(missing))}; "
                "the benchmark needs the four answers of the shipped scale"
            )
        self.options = options
        self.random = random.Random(seed)

    def draw(self, year: int, progress: float) -> dict[str, Any]:
        """Return the answer fields for one norm in ``year``.

        ``progress`` runs from 0 in the first seeded year to 1 in the last.
        """
        pick = self.random.choice
        implemented_share = 0.45 + 0.35 * progress
        roll = self.random.random()
        fields: dict[str, Any] = {"owner": pick(OWNERS), "comment": pick(COMMENTS)}
        if roll < implemented_share:
            fields["option"] = self.options["implemented"]
        elif roll < implemented_share + 0.3 * (1 - implemented_share):
            fields["option"] = self.options["partial"]
            fields["planned_date"] = datetime.date(year + 1, pick((3, 6, 9, 12)), 30)
        elif roll < implemented_share + 0.8 * (1 - implemented_share):
            fields["option"] = self.options["not_implemented"]
            fields["planned_date"] = datetime.date(year + 2, 6, 30)
        else:
            fields["option"] = self.options["not_applicable"]
            fields["justification"] = pick(JUSTIFICATIONS)
        return fields


def submission_content(
    assessment: Assessment, answers: list[Answer], catalog: CatalogVersion
) -> dict[str, Any]:
    """Return the content that submitting would store, built without queries."""
    from vigil.assessments.canonical import FORMAT

    organisation = assessment.organisation
    return {
        "format": FORMAT,
        "organisation": {
            "slug": organisation.slug,
            "name_nl": organisation.name_nl,
            "name_fr": organisation.name_fr,
            "enterprise_number": organisation.enterprise_number,
        },
        "year": assessment.year,
        "catalog": catalog.code,
        "catalog_digest": catalog.digest,
        "answers": [
            {
                "norm": answer.norm.code,
                "answer": answer.option.code if answer.option else None,
                "comment": answer.comment,
                "justification": answer.justification,
                "planned_date": answer.planned_date.isoformat()
                if answer.planned_date
                else None,
                "owner": answer.owner,
                "evidence": [],
            }
            for answer in answers
        ],
    }


def chunks(items: list[Organisation], length: int) -> Iterator[list[Organisation]]:
    for start in range(0, len(items), length):
        yield items[start : start + length]


def seed(catalog: CatalogVersion, size: Size, mix: AnswerMix) -> Seeded:
    """Insert the centres, both users and every questionnaire with bulk inserts.

    The services are bypassed on purpose: they save one answer at a time and
    write a history row and an audit entry for each.
    """
    from django.db import transaction
    from django.utils import timezone

    from vigil.accounts.models import Membership, User
    from vigil.accounts.roles import Role
    from vigil.assessments.models import Answer
    from vigil.organisations.models import Organisation

    started = time.perf_counter()
    this_year = timezone.localdate().year
    years = list(range(this_year - size.years + 1, this_year + 1))
    norms = list(catalog.norms.select_related("chapter").order_by("position"))
    users = {
        "one": User.objects.create_user(
            email="consultant-one@bench.vigil.test", full_name="Consultant of one"
        ),
        "all": User.objects.create_user(
            email="consultant-all@bench.vigil.test", full_name="Consultant of all"
        ),
    }
    centres = Organisation.objects.bulk_create(
        Organisation(
            slug=f"ocmw-{index:04d}",
            kind=Organisation.Kind.CENTRE,
            name_nl=f"OCMW Gemeente {index}",
            name_fr=f"CPAS Commune {index}",
            enterprise_number=enterprise_number(index),
            postcode=f"{1000 + index % 9000}",
        )
        for index in range(1, size.centres + 1)
    )
    Membership.objects.bulk_create(
        [Membership(user=users["one"], organisation=centres[0], role=Role.CONSULTANT)]
        + [
            Membership(user=users["all"], organisation=centre, role=Role.CONSULTANT)
            for centre in centres
        ]
    )
    for group in chunks(centres, CENTRES_PER_TRANSACTION):
        with transaction.atomic():
            _seed_centres(group, years, norms, catalog, mix, users["all"])

    chapters = list(catalog.chapters.order_by("position"))
    chapter = chapters[len(chapters) // 2]
    answer = (
        Answer.objects.select_related("norm")
        .filter(
            assessment__organisation=centres[0],
            assessment__year=years[-1],
            norm__chapter=chapter,
        )
        .order_by("norm__position")
        .first()
    )
    if answer is None:
        raise SystemExit(f"seeding left chapter {chapter.code} without answers")
    return Seeded(
        catalog=catalog,
        centre=centres[0],
        draft_year=years[-1],
        chapter_code=chapter.code,
        answer=answer,
        users=users,
        answers=Answer.objects.count(),
        seconds=time.perf_counter() - started,
    )


def _seed_centres(
    centres: list[Organisation],
    years: list[int],
    norms: list[Norm],
    catalog: CatalogVersion,
    mix: AnswerMix,
    actor: User,
) -> None:
    """Create every year of ``centres``, each started from the year before."""
    from vigil.assessments.canonical import digest_of
    from vigil.assessments.models import Answer, Assessment, Submission

    previous: dict[int, Assessment] = {}
    for position, year in enumerate(years):
        is_draft = position == len(years) - 1
        progress = position / max(len(years) - 1, 1)
        assessments = Assessment.objects.bulk_create(
            Assessment(
                organisation=centre,
                year=year,
                catalog=catalog,
                status=Assessment.Status.DRAFT
                if is_draft
                else Assessment.Status.SUBMITTED,
                started_from=previous.get(centre.pk),
                created_by=actor,
            )
            for centre in centres
        )
        answers: list[Answer] = []
        submissions: list[Submission] = []
        for assessment in assessments:
            rows = [
                Answer(
                    assessment=assessment,
                    norm=norm,
                    updated_by=actor,
                    **mix.draw(year, progress),
                )
                for norm in norms
            ]
            answers.extend(rows)
            if not is_draft:
                content = submission_content(assessment, rows, catalog)
                submissions.append(
                    Submission(
                        assessment=assessment,
                        number=1,
                        submitted_at=datetime.datetime(
                            year + 1, 3, 31, 12, tzinfo=datetime.UTC
                        ),
                        submitted_by=actor,
                        digest=digest_of(content),
                        content=content,
                    )
                )
        Answer.objects.bulk_create(answers, batch_size=INSERT_BATCH_SIZE)
        Submission.objects.bulk_create(submissions, batch_size=INSERT_BATCH_SIZE)
        previous = {
            assessment.organisation_id: assessment for assessment in assessments
        }


# Measuring


Send = Callable[["Client"], Any]


def measure(
    clients: dict[str, Client],
    send: Send,
    check: Callable[[Any], None],
    arguments: argparse.Namespace,
) -> dict[str, Timing]:
    """Time ``send`` for every user, taking turns so that all see the same load.

    Each user first sends ``arguments.warmup`` untimed requests and one whose
    queries are counted, then the users take turns until each has sent
    ``arguments.requests`` timed requests.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings: dict[str, Timing] = {}
    for user, client in clients.items():
        for _ in range(arguments.warmup):
            check(send(client))
        with CaptureQueriesContext(connection) as captured:
            check(send(client))
        timings[user] = Timing(queries=len(captured.captured_queries))
    for _ in range(arguments.requests):
        for user, client in clients.items():
            started = time.perf_counter()
            response = send(client)
            timings[user].samples.append(1000 * (time.perf_counter() - started))
            check(response)
    load = os.getloadavg()[0]
    for timing in timings.values():
        timing.load = load
    return timings


def expect(response: Any, marker: bytes, count: int | None = None) -> None:
    """Raise SystemExit unless the response is a 200 that contains ``marker``."""
    found = response.content.count(marker)
    if response.status_code != 200 or not found or (count and found != count):
        expected = f"{count} times" if count else "at least once"
        raise SystemExit(
            f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']} "
            f"returned status {response.status_code} with {marker!r} {found} times; "
            f"expected status 200 with it {expected}"
        )


def answer_payloads(seeded: Seeded) -> list[dict[str, str]]:
    """Return two valid answers that differ in option and planned date.

    The seeded answer is first set to the second of them, so saving the two in
    turn changes the answer on every save.
    """
    from vigil.assessments.models import Answer

    answer = seeded.answer
    options = {option.code: option for option in seeded.catalog.answer_options.all()}
    Answer.objects.filter(pk=answer.pk).update(
        option=options["implemented"], planned_date=None, justification=""
    )
    prefix = f"n{answer.pk}"
    common = {
        f"{prefix}-justification": "",
        f"{prefix}-owner": answer.owner,
        f"{prefix}-comment": answer.comment,
    }
    return [
        common
        | {
            f"{prefix}-option": str(options["partial"].pk),
            f"{prefix}-planned_date": f"{seeded.draft_year + 1}-06-30",
        },
        common
        | {
            f"{prefix}-option": str(options["implemented"].pk),
            f"{prefix}-planned_date": "",
        },
    ]


def measure_all(
    clients: dict[str, Client], seeded: Seeded, arguments: argparse.Namespace
) -> dict[tuple[str, str], Timing]:
    """Time the page, the save and the dashboard for every user in ``clients``."""
    from django.urls import reverse

    from vigil.assessments.models import AnswerChange

    org = seeded.centre.slug
    year = seeded.draft_year
    answer = seeded.answer
    page_url = reverse("assessments:questionnaire", kwargs={"org": org, "year": year})
    page_url += f"?chapter={seeded.chapter_code}"
    save_url = reverse(
        "assessments:norm", kwargs={"org": org, "year": year, "code": answer.norm.code}
    )
    dashboard_url = reverse("assessments:dashboard", kwargs={"org": org})
    chapter_norms = seeded.catalog.norms.filter(
        chapter__code=seeded.chapter_code
    ).count()
    payloads = answer_payloads(seeded)
    saves = 0

    def save(client: Client) -> Any:
        nonlocal saves
        payload = payloads[saves % len(payloads)]
        saves += 1
        return client.post(save_url, payload, HTTP_HX_REQUEST="true")

    changes_before = AnswerChange.objects.filter(answer=answer).count()
    by_measurement = {
        "page": measure(
            clients,
            lambda client: client.get(page_url),
            lambda response: expect(response, b'class="norm-row"', chapter_norms),
            arguments,
        ),
        "save": measure(
            clients,
            save,
            lambda response: expect(response, b'class="saved"'),
            arguments,
        ),
        "dashboard": measure(
            clients,
            lambda client: client.get(dashboard_url),
            lambda response: expect(response, b'data-testid="years"'),
            arguments,
        ),
    }
    changes = AnswerChange.objects.filter(answer=answer).count() - changes_before
    if changes != saves:
        raise SystemExit(
            f"{saves} saves recorded {changes} answer changes; every save should "
            "change the answer once"
        )
    return {
        (user, measurement): timing
        for measurement, timings in by_measurement.items()
        for user, timing in timings.items()
    }


def run_size(
    database: Database, size: Size, arguments: argparse.Namespace
) -> tuple[RunResult, str]:
    """Create, seed, measure and drop one database.

    Return the results and the version of the database engine.
    """
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    database.create()
    try:
        database.activate()
        call_command("migrate", interactive=False, verbosity=0)
        catalog = load_catalogs(arguments.catalog)
        options = {option.code: option for option in catalog.answer_options.all()}
        seeded = seed(catalog, size, AnswerMix(options, arguments.seed))
        database.analyze()
        print(
            f"seeded {seeded.answers:,} answers ({size.centres} centres × "
            f"{size.years} years × {catalog.norms.count()} norms) "
            f"in {seeded.seconds:.1f} s",
            flush=True,
        )
        clients = {}
        for user_key, user in seeded.users.items():
            clients[user_key] = Client()
            clients[user_key].force_login(user)
        timings = measure_all(clients, seeded, arguments)
        version = database.version()
    finally:
        connection.close()
        database.drop()
    return RunResult(seeded.answers, seeded.seconds, timings), version


# Reporting

TABLE_HEADER = (
    "| Engine | Catalog | Answers | User | Page median | Page p95 "
    "| Save median | Save p95 | Dashboard median | Dashboard p95 "
    "| Queries page / save / dashboard |\n"
    "|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|"
)


def table_rows(engine: str, catalog: str, result: RunResult) -> Iterator[str]:
    for user_key, label in USER_LABELS.items():
        page, save, dashboard = (result.timings[(user_key, m)] for m in MEASUREMENTS)
        yield (
            f"| {engine} | {catalog} | {result.seeded_answers:,} | {label} "
            f"| {page.median:.1f} | {page.p95:.1f} "
            f"| {save.median:.1f} | {save.p95:.1f} "
            f"| {dashboard.median:.1f} | {dashboard.p95:.1f} "
            f"| {page.queries} / {save.queries} / {dashboard.queries} |"
        )


TARGETS_MS = {"page": PAGE_TARGET_MS, "save": SAVE_TARGET_MS}


def query_count_failures(small: RunResult, large: RunResult) -> list[str]:
    """Return a message for each request whose query count differs between sizes."""
    failures = []
    for (user, measurement), timing in large.timings.items():
        before = small.timings[(user, measurement)].queries
        if timing.queries != before:
            failures.append(
                f"{measurement} for the {USER_LABELS[user]}: {before} queries at "
                f"{small.seeded_answers:,} answers but {timing.queries} at "
                f"{large.seeded_answers:,}"
            )
    return failures


def target_checks(large: RunResult) -> Iterator[tuple[bool, str]]:
    """Yield whether each median meets its target, with the line that reports it."""
    for (user, measurement), timing in large.timings.items():
        target = TARGETS_MS.get(measurement)
        if target is None:
            continue
        met = timing.median <= target
        yield (
            met,
            f"{measurement} for the {USER_LABELS[user]}: median "
            f"{timing.median:.1f} ms {'meets' if met else 'misses'} the target of "
            f"{target:.0f} ms (p95 {timing.p95:.1f} ms)",
        )


def print_report(
    arguments: argparse.Namespace,
    version: str,
    small: RunResult,
    large: RunResult,
) -> list[str]:
    """Print the table and the checks, and return a message for each failed check."""
    import platform

    engine = f"{'SQLite' if arguments.engine == 'sqlite' else 'PostgreSQL'} {version}"
    load = max(
        timing.load for result in (small, large) for timing in result.timings.values()
    )
    print()
    print(
        f"Python {platform.python_version()}, {engine}, {arguments.catalog} catalog, "
        f"{arguments.requests} timed requests after {arguments.warmup} untimed, "
        f"times in ms (p95 by nearest rank); highest 1-minute load average after "
        f"a measurement: {load:.2f}"
    )
    cores = os.cpu_count() or 1
    if load > cores:
        print(
            f"WARNING: the load average exceeds the {cores} cores, so other "
            "processes competed for the CPU and the times are too high; run again "
            "on an idle machine"
        )
    print()
    print(TABLE_HEADER)
    for result in (small, large):
        for row in table_rows(engine, arguments.catalog, result):
            print(row)
    print()
    print(
        f"Seeding: {small.seeded_answers:,} answers in {small.seed_seconds:.1f} s, "
        f"{large.seeded_answers:,} answers in {large.seed_seconds:.1f} s."
    )
    failures = query_count_failures(small, large)
    if not failures:
        print(
            f"Query counts are equal at {small.seeded_answers:,} and "
            f"{large.seeded_answers:,} answers."
        )
    for met, line in target_checks(large):
        print(line)
        if not met:
            failures.append(line)
    for failure in failures:
        print(f"FAILED: {failure}")
    return failures


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    default_dir = Path(tempfile.gettempdir()) / "vigil-bench"
    os.environ.setdefault("VIGIL_DATA_DIR", str(default_dir))
    # An existing static folder keeps WhiteNoise from warning on every request.
    (Path(os.environ["VIGIL_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
    sizes = [
        (
            "_small",
            Size(
                min(SMALL_CENTRES, arguments.centres), min(SMALL_YEARS, arguments.years)
            ),
        ),
        ("", Size(arguments.centres, arguments.years)),
    ]
    databases = [Database.for_size(arguments, suffix) for suffix, _ in sizes]
    configure_django(databases[0])
    results = []
    version = ""
    for database, (_, size) in zip(databases, sizes, strict=True):
        result, version = run_size(database, size, arguments)
        results.append(result)
    failures = print_report(arguments, version, results[0], results[1])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
