"""Deployment checks: the PostgreSQL connections this host's processes may open fit in what
PostgreSQL allows (settings: WEB_PROCESSES, WEB_THREADS, DB_POOL_MAX_SIZE, CELERY_CONCURRENCY,
PRINT_PROCESSES, DB_MAX_CONNECTIONS; README, "Several processes, several machines").

Run by every manage.py command (migrate included, once per deployment), and logged by each web
process as it starts (config/asgi.py), since an ASGI server runs no system checks."""

import os

from django.conf import settings
from django.core import checks
from django.db import connection


def pooled() -> bool:
    return bool(settings.DATABASES["default"].get("OPTIONS", {}).get("pool"))


def connections_per_web_process() -> int:
    """At most: the pool's size, or without a pool one connection per view thread and one for
    the websockets' database calls."""
    return settings.DB_POOL_MAX_SIZE if pooled() else settings.WEB_THREADS + 1


def connections_needed() -> int:
    """What this host's processes may open at once: its web processes, two per Celery child (an
    engine run's heartbeat thread has its own, matching/services/jobs.py), one per renderer of a print run (matching/printing.py), and two more (beat, a manage.py
    command)."""
    web = settings.WEB_PROCESSES * connections_per_web_process()
    return web + 2 * settings.CELERY_CONCURRENCY + print_processes() + 2


def print_processes() -> int:
    return settings.PRINT_PROCESSES or os.cpu_count() or 1


def _is_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@checks.register(checks.Tags.compatibility)
def check_connection_budget(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    declared = settings.DB_MAX_CONNECTIONS
    if not _is_postgresql() or not declared:
        return []
    needed = connections_needed()
    if needed <= declared:
        return []
    per_process = connections_per_web_process()
    return [
        checks.Warning(
            f"This host's processes may open {needed} PostgreSQL connections "
            f"({settings.WEB_PROCESSES} web processes x {per_process} + "
            f"2 x {settings.CELERY_CONCURRENCY} Celery children + {print_processes()} print "
            f"renderers + 2), more than the "
            f"{declared} declared in DB_MAX_CONNECTIONS: under load PostgreSQL will refuse "
            f'some with "too many clients".',
            hint="Lower WEB_PROCESSES, DB_POOL_MAX_SIZE (at least WEB_THREADS + 1), "
            "CELERY_CONCURRENCY or PRINT_PROCESSES, or raise PostgreSQL's max_connections and DB_MAX_CONNECTIONS.",
            id="core.W001",
        )
    ]


@checks.register(checks.Tags.database)
def check_declared_connections(app_configs=None, databases=None, **kwargs):
    """With --database (migrate runs it): DB_MAX_CONNECTIONS fits in PostgreSQL's own limit,
    less the connections it keeps for superusers."""
    if not databases or "default" not in databases or not _is_postgresql():
        return []
    if not settings.DB_MAX_CONNECTIONS:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int"
        )
        (allowed,) = cursor.fetchone()
    if allowed >= settings.DB_MAX_CONNECTIONS:
        return []
    return [
        checks.Warning(
            f"DB_MAX_CONNECTIONS is {settings.DB_MAX_CONNECTIONS} but PostgreSQL accepts "
            f"{allowed} connections for ordinary users (max_connections less "
            "superuser_reserved_connections).",
            hint="Raise max_connections in PostgreSQL or lower DB_MAX_CONNECTIONS; with "
            "several hosts, the sum of their DB_MAX_CONNECTIONS must fit.",
            id="core.W002",
        )
    ]
