"""`make run PORT=...`: the server listens there, links in emails follow, and the log prints each
line once. Settings are read at start-up, so each case starts a fresh Python."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="test-only", **env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


SITE_URL = "from django.conf import settings; print(settings.SITE_URL)"


def test_site_url_follows_port_when_not_set():
    assert run_python(SITE_URL, PORT="8001").stdout.strip() == "http://127.0.0.1:8001"


def test_site_url_defaults_to_port_8000():
    assert run_python(SITE_URL).stdout.strip() == "http://127.0.0.1:8000"


def test_site_url_set_wins_over_port():
    result = run_python(SITE_URL, PORT="8001", SITE_URL="https://osez.example.org")

    assert result.stdout.strip() == "https://osez.example.org"


def test_server_log_prints_each_line_once_under_debug():
    code = (
        "import logging, django; django.setup(); "
        "logging.getLogger('django.channels.server').info('HTTP GET / 200'); "
        "logging.getLogger('django.request').warning('Not Found: /nope'); "
        "logging.getLogger('django.utils.autoreload').info('Watching for file changes')"
    )

    lines = run_python(code, DJANGO_DEBUG="1").stderr.splitlines()

    assert lines == ["HTTP GET / 200", "Not Found: /nope", "Watching for file changes"]


def test_server_log_keeps_warnings_only_without_debug():
    code = (
        "import logging, django; django.setup(); "
        "logging.getLogger('django.channels.server').info('HTTP GET / 200'); "
        "logging.getLogger('django.request').warning('Not Found: /nope')"
    )

    lines = run_python(code, DJANGO_DEBUG="0").stderr.splitlines()

    assert lines == ["Not Found: /nope"]


def test_make_run_serves_on_port_and_passes_it_to_the_settings():
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", "PORT=8001"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    serve = result.stdout.splitlines()[-1]
    assert serve.endswith("PORT=8001 .venv/bin/python manage.py runserver 127.0.0.1:8001")


def test_make_run_day_loads_the_day_in_a_fresh_database_of_its_own():
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run-day", "PORT=8001"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    *_, remove, migrate, load, serve = result.stdout.splitlines()
    database = f"DATABASE_URL=sqlite:///{BASE_DIR}/demo-day.sqlite3"
    assert remove == "rm -f demo-day.sqlite3"
    assert all(line.startswith(database) for line in (migrate, load, serve))
    assert load.endswith("manage.py load_demo --day")
    assert serve.endswith("PORT=8001 .venv/bin/python manage.py runserver 127.0.0.1:8001")
