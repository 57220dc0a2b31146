"""Filters of the project's logging (config/settings.py LOGGING)."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """A 4xx that Django logs (403 refused, 404 not found: `django.request`, with the exception
    attached) is one warning line, without the traceback of the PermissionDenied or Http404
    behind it: those are answers, not faults, and a crawler or a stale link makes many. A 5xx
    keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
