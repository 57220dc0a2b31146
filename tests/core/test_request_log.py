"""config/settings.py LOGGING: a 403 or a 404 is one warning line without a traceback
(core.log_filters); a 500 is still an error with its traceback."""

import logging

import pytest
from django.test import Client
from django.urls import reverse


def request_log(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def test_not_found_is_one_warning_line_without_traceback(client, db, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get("/e/no-such-event/")

    assert response.status_code == 404
    [record] = request_log(caplog)
    assert (record.levelname, record.getMessage()) == ("WARNING", "Not Found: /e/no-such-event/")
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_permission_denied_is_one_warning_line_without_traceback(client, event, ess_member, caplog):
    client.force_login(ess_member)
    path = reverse("events:console", args=[event.slug])

    with caplog.at_level(logging.WARNING):
        response = client.get(path)

    assert response.status_code == 403
    [record] = request_log(caplog)
    assert (record.levelname, record.getMessage()) == (
        "WARNING",
        f"Forbidden (Permission denied): {path}",
    )
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_permission_denied_without_the_filter_has_a_traceback(client, event, ess_member, caplog):
    """The control: without core.log_filters, Django attaches the PermissionDenied to the record
    (a 404's record has none: Django logs it from the response)."""
    client.force_login(ess_member)
    logger = logging.getLogger("django.request")
    kept = list(logger.filters)
    for each in kept:
        logger.removeFilter(each)
    try:
        with caplog.at_level(logging.WARNING):
            client.get(reverse("events:console", args=[event.slug]))
    finally:
        for each in kept:
            logger.addFilter(each)

    [record] = request_log(caplog)
    assert record.exc_info is not None
    assert "Traceback" in caplog.text


@pytest.mark.urls("tests.core.error_urls")
def test_server_error_keeps_its_traceback(db, caplog):
    client = Client(raise_request_exception=False)

    with caplog.at_level(logging.WARNING):
        response = client.get("/broken/")

    assert response.status_code == 500
    [record] = request_log(caplog)
    assert record.levelname == "ERROR"
    assert record.exc_info is not None
    assert "Traceback" in caplog.text
    assert "RuntimeError: a fault" in caplog.text
