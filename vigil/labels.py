"""Labels joined to their values in text that code puts together."""

from django.utils.translation import pgettext


def labelled(label: object, value: object) -> str:
    """Return "label: value" with the colon that the active language writes.

    French puts a no-break space before the colon. The message is the one
    that templates use with the context "a label before its value".
    """
    colon = pgettext("a label before its value", "%(label)s:") % {"label": label}
    return f"{colon} {value}"
