"""The yearly questionnaire: one assessment per centre and year."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.catalog.models import AnswerOption, CatalogVersion, Norm
from vigil.organisations.models import Organisation


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveIntegerField(_("year"))
    catalog = models.ForeignKey(
        CatalogVersion,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("catalog version"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    started_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    tenant_field = "organisation"

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="one_assessment_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.slug} {self.year}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def last_submission(self) -> "Submission | None":
        return self.submissions.order_by("-number").first()


class Answer(models.Model):
    """The centre's answer to one norm; rows exist for every norm from the start."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers"
    )
    norm = models.ForeignKey(Norm, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(
        AnswerOption, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    justification = models.TextField(_("justification"), blank=True)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # The number of saves that changed the answer: 0 when created, one more
    # with each history row. The XLSX export writes it, so the import can tell
    # whether the stored answer changed after the export.
    revision = models.PositiveIntegerField(_("revision"), default=0)

    tenant_field = "assessment__organisation"

    class Meta:
        verbose_name = _("answer")
        ordering = ["assessment", "norm__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "norm"], name="one_answer_per_norm"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.norm.code}"


class AnswerChange(models.Model):
    """One save of an answer: the fields that changed, before and after."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Who changed the answer when ``changed_by`` is empty, such as the
    # operating-system user who ran ``vigil assessment import``.
    actor_label = models.CharField(max_length=254, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)
    old_values = models.JSONField(default=dict)
    new_values = models.JSONField(default=dict)
    # The name of the XLSX file whose import made the change, else empty.
    import_file = models.CharField(max_length=255, blank=True)
    # The import replaced an answer that had changed after the file's export,
    # because its user chose to overwrite newer answers.
    overwrote_newer = models.BooleanField(default=False)

    tenant_field = "answer__assessment__organisation"

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.answer} {self.changed_at:%Y-%m-%d %H:%M}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # Stored under a content-derived name: the original name is kept in the
    # row only, so an upload can never choose where it lands on disk.
    organisation = instance.answer.assessment.organisation_id
    return f"evidence/{organisation}/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    """A file that supports an answer; served as a download, never inline."""

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    media_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    tenant_field = "answer__assessment__organisation"

    class Meta:
        verbose_name = _("evidence")
        ordering = ["answer", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Submission(models.Model):
    """A submitted version of an assessment, kept even after it is reopened."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="submissions"
    )
    number = models.PositiveIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    digest = models.CharField("SHA-256", max_length=64)
    content = models.JSONField()
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reopen_reason = models.TextField(blank=True)

    tenant_field = "assessment__organisation"

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "number"], name="submission_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} #{self.number}"
