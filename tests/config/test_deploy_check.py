"""`manage.py check --deploy --fail-level WARNING` is clean under the production environment:
the one docker-compose.yml gives the web service from a .env made of .env.example (an SMTP host
and a real secret key filled in, as its comments ask). Without the HSTS variables it is not,
which shows the check really looks. Then HTTPS as a real server serves it: plain HTTP redirected
(the health check excepted), the proxy's header trusted only when declared, HSTS sent."""

import http.client
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.live import daphne_server
from tests.test_compose import load_compose

BASE_DIR = Path(__file__).resolve().parents[2]
HSTS = ("SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD")


def dotenv_example() -> dict[str, str]:
    lines = (BASE_DIR / ".env.example").read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}


def production_environment(*, without: tuple[str, ...] = ()) -> dict[str, str]:
    """The web service's environment in docker-compose.yml, from .env.example's values."""
    variables = {
        **dotenv_example(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "POSTGRES_PASSWORD": secrets.token_urlsafe(16),
        "EMAIL_HOST": "smtp.example.org",
    }
    for name in without:
        variables.pop(name)
    environment = load_compose(variables)["services"]["web"]["environment"]
    return {name: str(value) for name, value in environment.items()}


def check_deploy(environment: dict[str, str]) -> subprocess.CompletedProcess:
    """The check in a fresh Python with that environment only (not the tests': no TESTING)."""
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_the_production_environment():
    environment = production_environment()
    assert environment["SITE_URL"].startswith("https://")
    assert environment["DATABASE_URL"].startswith("postgres://")

    result = check_deploy(environment)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout


def test_check_deploy_fails_without_the_hsts_variables():
    result = check_deploy(production_environment(without=HSTS))

    assert result.returncode == 1
    assert "security.W004" in result.stderr  # SECURE_HSTS_SECONDS not set


def settings_under(**environment: str) -> dict:
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({name: getattr(s, "
        "name, None) for name in ['SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
        "'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_SECURE']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_laptop_defaults_neither_redirect_nor_trust_a_proxy_header():
    assert settings_under() == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": False,
    }


def test_https_site_url_redirects_by_default_and_hsts_waits_to_be_declared():
    assert settings_under(SITE_URL="https://osez.example.org") == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": True,
    }


def test_proxy_header_is_trusted_only_when_declared_and_may_be_renamed():
    declared = settings_under(
        SITE_URL="https://osez.example.org",
        BEHIND_PROXY="true",
        PROXY_SSL_HEADER="X-Forwarded-Scheme",
        SECURE_SSL_REDIRECT="false",
    )

    assert declared["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_SCHEME", "https"]
    assert declared["SECURE_SSL_REDIRECT"] is False


# --- a real server behind a (pretend) TLS proxy -----------------------------------------------


def get(url: str, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.fixture(scope="module")
def https_server(django_db_setup, django_db_blocker):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (tests/stack.py): the server cannot see SQLite's test database"
        )
    environment = {
        "SITE_URL": "https://osez.example.org",
        "BEHIND_PROXY": "true",
        "SECURE_HSTS_SECONDS": "3600",
    }
    # daphne_server waits for /healthz to answer 200 over plain HTTP: the compose health check.
    with daphne_server("deploy-https.log", env=environment) as url:
        yield url


def test_plain_http_is_redirected_to_https(https_server):
    response = get(https_server, "/sw.js")

    assert response.status == 301
    assert response.getheader("Location").startswith("https://")


def test_health_check_answers_over_plain_http(https_server):
    assert get(https_server, "/healthz").status == 200


def test_request_the_proxy_says_is_https_is_served_with_hsts(https_server):
    response = get(https_server, "/sw.js", {"X-Forwarded-Proto": "https"})

    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") == "max-age=3600"
