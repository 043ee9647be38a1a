"""Filters of the log records that Vigil writes to the console."""

import logging


class DeniedWithoutTraceback(logging.Filter):
    """Keep the log line of a 403 response, without its traceback.

    Django logs a PermissionDenied raised by a view with the exception, so
    every page that a user's role does not allow, a normal event, wrote a
    full traceback to the server's console.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
