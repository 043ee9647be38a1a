"""Norm catalogs: versioned data loaded from files, never edited in the UI."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.catalog.texts import pick


class TranslatedTextField(models.JSONField):
    """A text in several languages, stored as ``{"nl": ..., "fr": ..., "en": ...}``."""


class CatalogVersion(models.Model):
    code = models.CharField(_("version"), max_length=60, unique=True)
    title = TranslatedTextField(_("title"))
    issued = models.DateField(_("issued"))
    source = TranslatedTextField(_("source"), default=dict)
    languages = models.JSONField(_("languages"), default=list)
    digest = models.CharField(_("SHA-256 of the file"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("catalog version")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def title_text(self) -> str:
        return pick(self.title)


class Chapter(models.Model):
    catalog = models.ForeignKey(
        CatalogVersion, on_delete=models.CASCADE, related_name="chapters"
    )
    code = models.CharField(_("chapter"), max_length=20)
    title = TranslatedTextField(_("title"))
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["catalog", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalog", "code"], name="chapter_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_text}"

    @property
    def title_text(self) -> str:
        return pick(self.title)


class Norm(models.Model):
    catalog = models.ForeignKey(
        CatalogVersion, on_delete=models.CASCADE, related_name="norms"
    )
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="norms")
    code = models.CharField(_("norm"), max_length=20)
    position = models.PositiveIntegerField()
    title = TranslatedTextField(_("title"))
    requirement = TranslatedTextField(_("requirement"))
    guidance = TranslatedTextField(_("guidance"))
    registers = models.JSONField(_("registers"), default=list)
    iso27002 = models.JSONField(_("ISO/IEC 27002:2022"), default=list)
    flags = models.JSONField(_("flags"), default=list)
    retired_since = models.PositiveIntegerField(
        _("retired since"), null=True, blank=True
    )

    class Meta:
        ordering = ["catalog", "position"]
        constraints = [
            models.UniqueConstraint(fields=["catalog", "code"], name="norm_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_text}"

    @property
    def title_text(self) -> str:
        return pick(self.title)

    @property
    def requirement_text(self) -> str:
        return pick(self.requirement)

    @property
    def guidance_text(self) -> str:
        return pick(self.guidance)

    @property
    def is_retired(self) -> bool:
        return "retired" in self.flags


class AnswerOption(models.Model):
    """One step of a catalog version's answer scale."""

    catalog = models.ForeignKey(
        CatalogVersion, on_delete=models.CASCADE, related_name="answer_options"
    )
    code = models.CharField(_("answer"), max_length=40)
    label = TranslatedTextField(_("label"))
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=3)
    counts_in_score = models.BooleanField(_("counts in the score"), default=True)
    requires_justification = models.BooleanField(default=False)
    requires_planned_date = models.BooleanField(default=False)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["catalog", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalog", "code"], name="answer_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.label_text

    @property
    def label_text(self) -> str:
        return pick(self.label)


class CatalogMapping(models.Model):
    """How the norms of one catalog version correspond to those of another."""

    source = models.CharField(_("from version"), max_length=60)
    target = models.CharField(_("to version"), max_length=60)
    digest = models.CharField("SHA-256", max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class MappingRelation(models.Model):
    class Type(models.TextChoices):
        EQUIVALENT = "equivalent", _("equivalent")
        PARTIAL = "partial", _("partial")
        SPLIT = "split", _("split")
        MERGED = "merged", _("merged")
        RETIRED = "retired", _("retired")

    mapping = models.ForeignKey(
        CatalogMapping, on_delete=models.CASCADE, related_name="relations"
    )
    type = models.CharField(max_length=20, choices=Type.choices)
    source_codes = models.JSONField(default=list)
    target_codes = models.JSONField(default=list)
    note = models.TextField(blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["mapping", "position"]

    def __str__(self) -> str:
        return f"{self.type}: {self.source_codes} → {self.target_codes}"
