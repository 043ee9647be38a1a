"""Recovery steps and exercises named in Dutch and French."""

import pytest
from django.utils import translation

from vigil.organisations.models import Organisation
from vigil.plans.continuity.specs import EXERCISES, RECOVERY_STEPS
from vigil.registers import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "verlies van het gebouw 1: Personeel naar het administratief centrum"),
        ("fr", "perte du bâtiment 1\u00a0: Personeel naar het administratief centrum"),
    ],
)
def test_step_text_translated(centre_a: Organisation, language: str, text: str) -> None:
    values = {
        **RECOVERY_STEPS.example(centre_a),
        "scenario": "building",
        "order": "1",
        "action": "Personeel naar het administratief centrum",
    }
    step = services.create_record(RECOVERY_STEPS, centre_a, values, actor=None)

    with translation.override(language):
        assert str(step) == text


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "2025-10-05 verlies van het serverlokaal"),
        ("fr", "2025-10-05 perte de la salle des serveurs"),
    ],
)
def test_exercise_text_translated(
    centre_a: Organisation, language: str, text: str
) -> None:
    values = {"date": "2025-10-05", "scenario": "server_room", "result": "ok"}
    exercise = services.create_record(EXERCISES, centre_a, values, actor=None)

    with translation.override(language):
        assert str(exercise) == text
