"""The tenancy helper: memberships decide which centre's records a user reaches."""

import pytest
from django.http import Http404

from vigil.accounts.models import Membership, User
from vigil.accounts.roles import Capability
from vigil.assessments.models import Answer, Assessment
from vigil.assessments.services import create_assessment
from vigil.catalog.models import CatalogVersion, Norm
from vigil.organisations.models import Organisation
from vigil.organisations.tenancy import get_scoped_or_404, scoped, tenant_for

pytestmark = pytest.mark.usefixtures("fast_password_hasher")


def test_tenant_for_member(consultant_a: User, centre_a: Organisation) -> None:
    tenant = tenant_for(consultant_a, "centre-a")

    assert tenant.organisation == centre_a
    assert tenant.user == consultant_a
    assert tenant.grants(Capability.SUBMIT_ASSESSMENT)


def test_tenant_for_other_centre_is_404(
    consultant_a: User, centre_b: Organisation
) -> None:
    with pytest.raises(Http404):
        tenant_for(consultant_a, "centre-b")


def test_tenant_for_expired_auditor_is_404(expired_auditor_a: User) -> None:
    with pytest.raises(Http404):
        tenant_for(expired_auditor_a, "centre-a")


def test_tenant_for_unknown_slug_is_404(consultant_a: User) -> None:
    with pytest.raises(Http404):
        tenant_for(consultant_a, "nowhere")


def test_tenant_capabilities_for_templates(viewer_a: User) -> None:
    can = tenant_for(viewer_a, "centre-a").can

    assert can["view"] is True
    assert can["edit_assessment"] is False
    assert set(can) == {capability.value for capability in Capability}


@pytest.fixture
def assessments(
    catalog: CatalogVersion,
    centre_a: Organisation,
    centre_b: Organisation,
    consultant_a: User,
) -> tuple[Assessment, Assessment]:
    return (
        create_assessment(centre_a, 2025, actor=consultant_a),
        create_assessment(centre_b, 2025, actor=None),
    )


def test_scoped_keeps_own_records(
    consultant_a: User, assessments: tuple[Assessment, Assessment]
) -> None:
    own, _other = assessments

    found = list(scoped(Assessment.objects, tenant_for(consultant_a, "centre-a")))

    assert found == [own]


def test_get_scoped_other_record_is_404(
    consultant_a: User, assessments: tuple[Assessment, Assessment]
) -> None:
    _own, other = assessments

    with pytest.raises(Http404):
        get_scoped_or_404(
            Assessment.objects.all(), tenant_for(consultant_a, "centre-a"), pk=other.pk
        )


def test_get_scoped_bad_value_is_404(
    consultant_a: User, assessments: tuple[Assessment, Assessment]
) -> None:
    with pytest.raises(Http404):
        get_scoped_or_404(
            Assessment.objects.all(), tenant_for(consultant_a, "centre-a"), pk="x"
        )


def test_scoped_follows_nested_tenant_field(
    consultant_a: User, assessments: tuple[Assessment, Assessment]
) -> None:
    own, _other = assessments
    tenant = tenant_for(consultant_a, "centre-a")

    answers = scoped(Answer.objects, tenant)

    assert answers.count() == own.answers.count()
    assert set(answers.values_list("assessment_id", flat=True)) == {own.pk}


def test_scoped_rejects_model_without_tenant(
    consultant_a: User, catalog: CatalogVersion
) -> None:
    with pytest.raises(TypeError, match="Norm"):
        scoped(Norm.objects.all(), tenant_for(consultant_a, "centre-a"))


def test_memberships_declare_tenant_field() -> None:
    assert Membership.tenant_field == "organisation"
