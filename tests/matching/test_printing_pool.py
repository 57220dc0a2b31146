"""The print run's forked renderers and the connection pool (config/settings.py): in a process
that uses the pool, as a Celery worker's child does, each forked child connects on its own
(another PostgreSQL backend than the parent's), and the parent still queries afterwards. Run in
a fresh Python: the pytest process itself has no pool. Control, by hand: with only
`connections.close_all()` before the fork (as before the pool), every child's pages showed the
parent's own backend: the children borrowed the idle connection of their copy of the pool."""

import subprocess
import sys

import pytest
from django.db import connection

from tests.live import BASE_DIR, subprocess_env

SCRIPT = """
import django
django.setup()
from types import SimpleNamespace
from django.conf import settings
from django.db import connection
from core import pdf
from matching import printing

def backend():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]

def render(event_id, ids):
    return pdf.render_pdf("print/agendas.html", {"event": {}, "pages": [f"b{backend()}e"]})

settings.PRINT_PROCESSES = 2
assert settings.DATABASES["default"]["OPTIONS"]["pool"]
parent = backend()
document = printing._chunked(render, SimpleNamespace(pk=0), [1, 2, 3, 4], 1, None)
print(parent, backend())
print(document.hex())
"""


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_forked_renderers_connect_on_their_own_with_the_pool():
    from io import BytesIO

    from pypdf import PdfReader

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run through `python -m tests.stack -- pytest`")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=BASE_DIR,
        env=subprocess_env({"DB_POOL_MAX_SIZE": "4"}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    first_line, document = result.stdout.split("\n")[:2]
    parent_before, parent_after = (int(pid) for pid in first_line.split())
    reader = PdfReader(BytesIO(bytes.fromhex(document)))
    children = {
        int(page.extract_text().strip().removeprefix("b").removesuffix("e"))
        for page in reader.pages
    }

    assert len(reader.pages) == 4
    assert parent_before not in children  # no child borrowed the parent's connection
    assert parent_after > 0
