"""Demo security plans, budget and spending of the demo centre.

The previous plan ends last year and is superseded by this year's approved
plan, which covers this year and the next two; two of its actions come from
gaps of this year's questionnaire.
"""

import datetime
from typing import Any

from vigil.organisations.models import Organisation
from vigil.plans.security import gaps, lifecycle, services
from vigil.plans.security.models import PlanAction, SecurityPlan
from vigil.plans.security.specs import ACTIONS, BUDGET, SPENDING
from vigil.registers import services as registers

Origin = PlanAction.Origin
Status = PlanAction.Status

# (year offset from the plan's first year, title, norms, origin, reference,
#  priority, owner, one-off cost, yearly cost, person-days, status)
type ActionRow = tuple[int, str, str, str, str, int, str, str, str, str, str]

PREVIOUS: tuple[ActionRow, ...] = (
    (
        2,
        "Back-upschema met externe kopie",
        "4.4.2",
        Origin.RISK,
        "Risico R-04",
        2,
        "ICT",
        "1800.00",
        "300.00",
        "4",
        Status.DONE,
    ),
    (
        2,
        "Autorisatietabel per dienst opstellen",
        "4.4.1",
        Origin.AUDIT,
        "Audit 2021, bevinding 3",
        2,
        "An Peeters",
        "0",
        "0",
        "6",
        Status.DONE,
    ),
    (
        2,
        "Incidentprocedure opstellen",
        "4.4.4",
        Origin.GAP,
        "Vragenlijst, norm 4.4.4",
        1,
        "An Peeters",
        "0",
        "0",
        "3",
        Status.POSTPONED,
    ),
)

CURRENT: tuple[ActionRow, ...] = (
    (
        0,
        "Hersteltest van de back-up van de dossierserver",
        "4.4.2",
        Origin.RISK,
        "Risico R-04",
        2,
        "ICT",
        "0",
        "0",
        "2",
        Status.DONE,
    ),
    (
        0,
        "Incidentprocedure testen met een oefening",
        "4.4.4",
        Origin.INCIDENT,
        "Phishingmail van 12 februari",
        2,
        "An Peeters",
        "0",
        "0",
        "3",
        Status.IN_PROGRESS,
    ),
    (
        0,
        "Branddetectie in het serverlokaal",
        "4.3.2",
        Origin.GAP,
        "Vragenlijst, norm 4.3.2: gedeeltelijk",
        2,
        "Technische dienst",
        "3500.00",
        "250.00",
        "1",
        Status.DONE,
    ),
    (
        0,
        "Integriteit van de toegangslog waarborgen",
        "4.4.3",
        Origin.GAP,
        "Vragenlijst, norm 4.4.3: gedeeltelijk",
        1,
        "ICT",
        "4000.00",
        "600.00",
        "5",
        Status.IN_PROGRESS,
    ),
    (
        1,
        "Wijzigingsprocedure met vier-ogenprincipe",
        "4.5.1",
        Origin.ADVICE,
        "Advies van de consulent, maart",
        3,
        "ICT",
        "0",
        "0",
        "4",
        Status.PLANNED,
    ),
    (
        1,
        "Sensibilisering phishing voor alle medewerkers",
        "4.9.1",
        Origin.OTHER,
        "",
        3,
        "An Peeters",
        "0",
        "900.00",
        "2",
        Status.PLANNED,
    ),
    (
        2,
        "Externe audit van de informatieveiligheid",
        "4.10",
        Origin.AUDIT,
        "Laatste audit in 2021",
        2,
        "Algemeen directeur",
        "9000.00",
        "0",
        "5",
        Status.PLANNED,
    ),
    (
        2,
        "Herziening van het informatieveiligheidsbeleid",
        "4.1",
        Origin.OTHER,
        "",
        4,
        "An Peeters",
        "0",
        "0",
        "3",
        Status.PLANNED,
    ),
    (
        2,
        "Vervanging van de UPS in het serverlokaal",
        "4.3.3",
        Origin.RISK,
        "Risico R-09",
        3,
        "Technische dienst",
        "2500.00",
        "150.00",
        "1",
        Status.PLANNED,
    ),
)

# Norms of this year's questionnaire whose gap becomes an action in one click,
# with the costs filled in afterwards: (norm, one-off, yearly, person-days).
FROM_GAPS = (
    ("4.7.1", "6000.00", "0", "10"),
    ("4.7.2", "8000.00", "1200.00", "8"),
)

# (year offset from this year, approved amount, budget line, decision)
BUDGETS = (
    (-1, "10000.00", "0190/123-48", "Vast bureau 2024/211"),
    (0, "12000.00", "0190/123-48", "Raad 2025/187"),
    (1, "15000.00", "0190/123-48", "Raad 2025/187"),
    (2, "12000.00", "0190/123-48", "Raad 2025/187"),
)

# (year offset, amount, description, title of the action or "")
SPENDING_ROWS = (
    (-1, "1650.00", "Externe harde schijven en kluis", ""),
    (-1, "2400.00", "Opleiding veiligheidsconsulent", ""),
    (-1, "980.00", "Onderhoud firewall", ""),
    (
        0,
        "3420.00",
        "Rookmelders en alarmcentrale serverlokaal",
        "Branddetectie in het serverlokaal",
    ),
    (
        0,
        "1900.00",
        "Logserver, eerste schijf",
        "Integriteit van de toegangslog waarborgen",
    ),
)


def populate(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    if SecurityPlan.objects.filter(organisation=organisation).exists():
        return
    year = today.year
    previous = lifecycle.create_plan(
        organisation,
        first_year=year - 3,
        title="Veiligheidsplan OCMW Demodorp",
        actor=actor,
    )
    _add_actions(previous, PREVIOUS, actor)
    _approve(previous, SecurityPlan.Body.COUNCIL, year - 4, "Raad 2022/233", actor)

    plan = lifecycle.create_plan(
        organisation,
        first_year=year,
        title="Veiligheidsplan OCMW Demodorp",
        introduction=(
            "Dit plan zet de acties van de komende drie jaar uiteen om de "
            "minimale veiligheidsnormen van de KSZ na te leven."
        ),
        actor=actor,
    )
    _add_actions(plan, CURRENT, actor)
    for code, one_off, yearly, days in FROM_GAPS:
        action = gaps.add_action_from_gap(organisation, year, code, actor=actor).action
        values = {"cost_one_off": one_off, "cost_yearly": yearly, "effort_days": days}
        registers.update_record(ACTIONS, action, values, actor=actor)
    _approve(plan, SecurityPlan.Body.BUREAU, year - 1, "Vast bureau 2025/302", actor)
    _add_budget(organisation, plan, year, actor)


def _add_actions(plan: SecurityPlan, rows: tuple[ActionRow, ...], actor: Any) -> None:
    for offset, title, norms, origin, reference, priority, owner, *rest in rows:
        one_off, yearly, days, status = rest
        services.create_action(
            plan,
            title=title,
            origin=origin,
            reference=reference,
            norms=norms,
            planned_year=plan.first_year + offset,
            values={
                "priority": priority,
                "owner": owner,
                "cost_one_off": one_off,
                "cost_yearly": yearly,
                "effort_days": days,
                "status": status,
                "due_date": f"{plan.first_year + offset}-11-30",
            },
            actor=actor,
        )


def _approve(
    plan: SecurityPlan, body: str, year: int, reference: str, actor: Any
) -> None:
    services.submit_plan(plan, actor=actor)
    date = datetime.date(year, 12, 12)
    services.approve_plan(plan, body=body, date=date, reference=reference, actor=actor)


def _add_budget(
    organisation: Organisation, plan: SecurityPlan, year: int, actor: Any
) -> None:
    for offset, amount, line, decision in BUDGETS:
        values = {
            "year": year + offset,
            "approved_amount": amount,
            "budget_line": line,
            "decision_reference": decision,
        }
        registers.create_record(BUDGET, organisation, values, actor=actor)
    titles = {action.title: action.pk for action in plan.actions.all()}
    for offset, amount, description, title in SPENDING_ROWS:
        values = {
            "year": year + offset,
            "amount": amount,
            "description": description,
            "action": titles.get(title, ""),
        }
        registers.create_record(SPENDING, organisation, values, actor=actor)
