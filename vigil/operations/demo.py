"""The demo installation: two centres, logins for each role and two years of answers.

``ensure_demo_data`` is idempotent: it creates what is missing and leaves
what exists, so running the demo twice neither fails nor duplicates data.
"""

import datetime
import importlib
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from vigil.accounts.models import Membership, User
from vigil.accounts.roles import Role
from vigil.accounts.services import create_user, grant_membership
from vigil.assessments.models import Answer, Assessment
from vigil.assessments.services import (
    AnswerInput,
    add_evidence,
    create_assessment,
    save_answer,
    submit_assessment,
)
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation
from vigil.organisations.services import create_organisation

DEMO_PASSWORD = "vigil-demo-2026"  # noqa: S105 (printed on the console on purpose)
CATALOG = "ksz-mn-2005"

CENTRES = [
    {
        "slug": "demo",
        "name_nl": "OCMW Demodorp",
        "name_fr": "CPAS Démoville",
        "enterprise_number": "0999999922",
        "street": "Marktplein 1",
        "postcode": "9999",
        "municipality": "Demodorp",
        "sites": ["Sociaal Huis", "Administratief centrum"],
    },
    {
        "slug": "demo-buur",
        "name_nl": "OCMW Buurgemeente",
        "name_fr": "CPAS Commune-Voisine",
        "enterprise_number": "0999999823",
        "street": "Kerkstraat 5",
        "postcode": "9998",
        "municipality": "Buurgemeente",
        "sites": ["Sociaal Huis"],
    },
]

USERS = [
    (
        "consultant@demo.vigil.test",
        "An Peeters",
        [("demo", Role.CONSULTANT), ("demo-buur", Role.CONSULTANT)],
    ),
    ("secretaris@demo.vigil.test", "Luc Janssens", [("demo", Role.MANAGEMENT)]),
    ("medewerker@demo.vigil.test", "Sara Claes", [("demo", Role.VIEWER)]),
]

# Last year's answer per norm: (answer, comment, owner). Planned dates follow
# from the year; a norm left out here is answered "implemented".
LAST_YEAR: dict[str, tuple[str, str, str]] = {
    "4.1": (
        "implemented",
        "Beleid goedgekeurd door de raad op 14 maart.",
        "An Peeters",
    ),
    "4.2.1.3": (
        "partial",
        "Plan 2025-2027 in opmaak; goedkeuring gepland.",
        "An Peeters",
    ),
    "4.2.1.4": (
        "partial",
        "Budgetlijn voorzien, bedrag nog niet vastgelegd.",
        "Luc Janssens",
    ),
    "4.2.1.6": ("not_applicable", "", ""),
    "4.3.2": (
        "partial",
        "Branddetectie in het serverlokaal ontbreekt.",
        "Technische dienst",
    ),
    "4.4.3": (
        "partial",
        "Logging in de sociale software; integriteit niet gewaarborgd.",
        "ICT",
    ),
    "4.4.4": ("not_implemented", "Geen formele incidentprocedure.", "An Peeters"),
    "4.5.1": (
        "partial",
        "Wijzigingen via de leverancier, zonder vier-ogenprincipe.",
        "ICT",
    ),
    "4.6.3": ("not_applicable", "", ""),
    "4.7.1": (
        "not_implemented",
        "Risicoanalyse gepland met de gemeente.",
        "An Peeters",
    ),
    "4.7.2": (
        "not_implemented",
        "Uitwijklocatie: bibliotheek van de gemeente (in bespreking).",
        "An Peeters",
    ),
    "4.10": ("partial", "Laatste audit in 2021 door de intercommunale.", "An Peeters"),
}
JUSTIFICATIONS = {
    "4.2.1.6": "Sinds 2017 gebruikt het OCMW geen beroepskaarten meer.",
    "4.6.3": "Externe verbindingen lopen via het Extranet van de sociale zekerheid.",
}
# This year: what already changed since last year.
THIS_YEAR_CHANGES: dict[str, tuple[str, str]] = {
    "4.2.1.3": ("implemented", "Plan 2026-2028 goedgekeurd door het vast bureau."),
    "4.4.4": ("partial", "Incidentprocedure opgesteld, nog niet getest."),
}
THIS_YEAR_OPEN = ("4.7.1", "4.7.2", "4.9.2", "4.10")


def ensure_demo_data() -> list[tuple[str, str]]:
    """Create whatever part of the demo is missing; return the logins and roles."""
    organisations = {spec["slug"]: _ensure_centre(spec) for spec in CENTRES}
    logins: list[tuple[str, str]] = []
    for email, name, roles in USERS:
        user = _ensure_user(email, name)
        for slug, role in roles:
            if not Membership.objects.filter(
                user=user, organisation=organisations[slug]
            ).exists():
                grant_membership(
                    user=user, organisation=organisations[slug], role=role, actor=None
                )
        logins.append(
            (
                email,
                ", ".join(
                    f"{role.label} at {organisations[slug].name}"
                    for slug, role in roles
                ),
            )
        )
    consultant = User.objects.get(email=USERS[0][0])
    this_year = timezone.localdate().year
    for organisation in organisations.values():
        _ensure_years(organisation, consultant, this_year)
    _ensure_app_data(organisations["demo"], consultant)
    return logins


def _ensure_app_data(organisation: Organisation, actor: User) -> None:
    """Let each app with a ``demo`` module add its records to the demo centre.

    Such a module defines ``populate(organisation, actor, today)``, which
    adds what is missing and changes nothing on a second run.
    """
    today = timezone.localdate()
    for config in apps.get_app_configs():
        if not config.name.startswith("vigil.") or config.name == __package__:
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        module.populate(organisation, actor, today)


def _ensure_centre(spec: dict[str, Any]) -> Organisation:
    existing = Organisation.objects.filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing
    return create_organisation(kind="centre", actor=None, **spec)


def _ensure_user(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    return create_user(email=email, full_name=name, password=DEMO_PASSWORD, actor=None)


@transaction.atomic
def _ensure_years(organisation: Organisation, actor: User, this_year: int) -> None:
    catalog = CatalogVersion.objects.get(code=CATALOG)
    last = Assessment.objects.filter(
        organisation=organisation, year=this_year - 1
    ).first()
    if last is None:
        last = create_assessment(
            organisation, this_year - 1, actor=actor, catalog=catalog
        )
        _answer_last_year(last, actor)
        submit_assessment(last, actor=actor)
    if not Assessment.objects.filter(
        organisation=organisation, year=this_year
    ).exists():
        current = create_assessment(
            organisation, this_year, actor=actor, copy_from=last
        )
        _answer_this_year(current, actor)


def _answers(assessment: Assessment) -> list[Answer]:
    return list(
        assessment.answers.select_related(
            "norm", "option", "assessment__catalog"
        ).order_by("norm__position")
    )


def _options(assessment: Assessment) -> dict[str, Any]:
    return {o.code: o for o in assessment.catalog.answer_options.all()}


def _answer_last_year(assessment: Assessment, actor: User) -> None:
    options = _options(assessment)
    planned = datetime.date(assessment.year + 1, 6, 30)
    for answer in _answers(assessment):
        code, comment, owner = LAST_YEAR.get(
            answer.norm.code, ("implemented", "", "An Peeters")
        )
        option = options[code]
        data = AnswerInput(
            option=option,
            comment=comment,
            justification=JUSTIFICATIONS.get(answer.norm.code, ""),
            planned_date=planned if option.requires_planned_date else None,
            owner=owner,
        )
        save_answer(answer, data, actor=actor)
        if answer.norm.code == "4.1":
            policy = ContentFile(
                b"Informatieveiligheidsbeleid OCMW - goedgekeurd door de raad.\n",
                name="informatieveiligheidsbeleid.txt",
            )
            add_evidence(answer, policy, actor=actor)


def _answer_this_year(assessment: Assessment, actor: User) -> None:
    options = _options(assessment)
    planned = datetime.date(assessment.year + 1, 3, 31)
    for answer in _answers(assessment):
        code = answer.norm.code
        if code in THIS_YEAR_CHANGES:
            option_code, comment = THIS_YEAR_CHANGES[code]
            option = options[option_code]
            data = AnswerInput(
                option=option,
                comment=comment,
                justification=answer.justification,
                planned_date=planned if option.requires_planned_date else None,
                owner=answer.owner,
            )
            save_answer(answer, data, actor=actor)
        elif code in THIS_YEAR_OPEN:
            save_answer(
                answer, AnswerInput(option=None, owner=answer.owner), actor=actor
            )
        elif answer.option is not None and answer.option.requires_planned_date:
            # Last year's planned dates have passed: the plan moved them on.
            moved = AnswerInput(
                option=answer.option,
                comment=answer.comment,
                justification=answer.justification,
                planned_date=planned,
                owner=answer.owner,
            )
            save_answer(answer, moved, actor=actor)
