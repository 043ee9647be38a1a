"""Budget per year against hand-computed needs of the plan's actions."""

import html
import re
from decimal import Decimal

import pytest
from django.utils import translation

from tests.conftest import login
from tests.securityplans.factories import add_action, make_plan
from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.plans.security.budget import (
    YearBudget,
    euros,
    plan_budget,
    spent_by_action,
)
from vigil.plans.security.models import BudgetYear, Expense, PlanAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def budgeted(centre_a: Organisation) -> list[YearBudget]:
    plan = make_plan(centre_a, first_year=2026, years=3)
    add_action(
        plan,
        title="Fire detection",
        cost_one_off="3500.00",
        cost_yearly="250.00",
        effort_days="1.5",
    )
    add_action(
        plan,
        title="Log integrity",
        cost_one_off="4000.00",
        cost_yearly="600.00",
        planned_year=2027,
        effort_days="5",
    )
    add_action(
        plan,
        title="Cancelled UPS",
        cost_one_off="9999.00",
        cost_yearly="99.00",
        status=PlanAction.Status.CANCELLED,
        planned_year=2027,
    )
    add_action(
        plan,
        title="Audit",
        cost_one_off="9000.00",
        planned_year=2028,
        status=PlanAction.Status.POSTPONED,
    )
    for year, amount in ((2025, "5000.00"), (2026, "4000.00"), (2027, "4000.00")):
        BudgetYear.objects.create(
            organisation=centre_a, year=year, approved_amount=amount
        )
    Expense.objects.create(
        organisation=centre_a, year=2025, amount="1200.50", description="Disks"
    )
    Expense.objects.create(
        organisation=centre_a, year=2025, amount="300.00", description="Course"
    )
    Expense.objects.create(
        organisation=centre_a, year=2026, amount="4100.00", description="Alarm"
    )
    return plan_budget(plan, [2025])


def test_budget_years_include_last_year(budgeted: list[YearBudget]) -> None:
    assert [row.year for row in budgeted] == [2025, 2026, 2027, 2028]


def test_budget_needs_match_hand_computation(budgeted: list[YearBudget]) -> None:
    last, first, second, third = budgeted

    assert (last.one_off, last.yearly, last.needed) == (Decimal(0),) * 3
    # 2026: fire detection one-off 3500 + its yearly 250.
    assert first.one_off == Decimal("3500.00")
    assert first.yearly == Decimal("250.00")
    assert first.needed == Decimal("3750.00")
    assert first.effort_days == Decimal("1.5")
    # 2027: log integrity 4000 + yearly 250 (fire) + 600 (log); cancelled ignored.
    assert second.one_off == Decimal("4000.00")
    assert second.yearly == Decimal("850.00")
    assert second.needed == Decimal("4850.00")
    # 2028: audit 9000 (postponed still counts) + 850 yearly; no budget.
    assert third.needed == Decimal("9850.00")


def test_budget_spent_and_remaining(budgeted: list[YearBudget]) -> None:
    last, first, _second, third = budgeted

    assert last.spent == Decimal("1500.50")
    assert last.remaining == Decimal("3499.50")
    assert first.spent == Decimal("4100.00")
    assert third.remaining is None


def test_budget_warnings(budgeted: list[YearBudget]) -> None:
    last, first, second, third = budgeted

    assert last.warnings == []
    assert first.warnings == [
        "4,100.00 EUR spent in 2026, more than the approved 4,000.00 EUR."
    ]
    assert second.warnings == [
        "The plan needs 4,850.00 EUR in 2027, 850.00 EUR more than the approved "
        "4,000.00 EUR."
    ]
    assert third.warnings == [
        "The plan needs 9,850.00 EUR in 2028 but no budget is approved for that year."
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "1.234.567,50"),
        ("fr", "1\N{NO-BREAK SPACE}234\N{NO-BREAK SPACE}567,50"),
        ("en", "1,234,567.50"),
    ],
)
def test_euros_format(language: str, expected: str) -> None:
    with translation.override(language):
        assert euros(Decimal("1234567.5")) == expected
        assert euros(Decimal("0")) == ("0.00" if language == "en" else "0,00")


def test_spent_has_cents(centre_a: Organisation) -> None:
    plan = make_plan(centre_a, first_year=2026, years=1)
    action = add_action(plan, title="Alarm")
    for amount in ("5000.00", "30.00"):
        Expense.objects.create(
            organisation=centre_a,
            year=2026,
            amount=amount,
            description="Alarm",
            action=action,
        )

    (row,) = plan_budget(plan)
    by_action = spent_by_action([action])

    assert str(row.spent) == "5030.00"
    assert str(by_action[action.pk]) == "5030.00"


@pytest.mark.parametrize(
    ("language", "spent", "needed"),
    [
        ("en", "5,030.00", "16,950.00"),
        ("nl", "5.030,00", "16.950,00"),
        ("fr", "5\N{NO-BREAK SPACE}030,00", "16\N{NO-BREAK SPACE}950,00"),
    ],
)
@pytest.mark.usefixtures("fast_password_hasher")
def test_budget_page_formats_amounts(
    centre_a: Organisation,
    consultant_a: User,
    language: str,
    spent: str,
    needed: str,
) -> None:
    plan = make_plan(centre_a, first_year=2026, years=1)
    add_action(plan, title="Alarm", cost_one_off="16950")
    BudgetYear.objects.create(organisation=centre_a, year=2026, approved_amount="100")
    Expense.objects.create(
        organisation=centre_a, year=2026, amount="5000", description="Alarm"
    )
    Expense.objects.create(
        organisation=centre_a, year=2026, amount="30", description="Cables"
    )
    client = login(consultant_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    page = html.unescape(client.get("/c/centre-a/plan/budget/").content.decode())

    row = page.split('<tr data-year="2026">', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[0] == "2026"
    assert cells[2] == needed
    assert cells[6] == spent
    assert f"{needed} EUR" in page
    assert f'<td class="num">{euros_in(language, "5000")}</td>' in page


def euros_in(language: str, amount: str) -> str:
    with translation.override(language):
        return euros(Decimal(amount))
