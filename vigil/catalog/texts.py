"""Texts that exist in several languages, as catalog data files carry them."""

from django.utils.translation import get_language

FALLBACK_LANGUAGES = ("en", "nl", "fr")


def pick(texts: dict[str, str] | None, language: str | None = None) -> str:
    """Return the text in ``language`` (the active one by default), else a fallback."""
    if not texts:
        return ""
    wanted = (language or get_language() or "en").split("-")[0]
    if texts.get(wanted):
        return texts[wanted]
    for fallback in FALLBACK_LANGUAGES:
        if texts.get(fallback):
            return texts[fallback]
    return next(iter(texts.values()), "")
