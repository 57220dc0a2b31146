"""Access matrix of the printed documents: the organisers' print page, its progress, its start
and its files are theirs alone (agendas and badges carry every check-in code); a participant
downloads their own agenda and badge, nobody else's."""

import pytest
from django.core.files.base import ContentFile

from matching.enums import RunStatus
from matching.models import PrintJob
from tests.access import Case, expect, fuzz_test, matrix_test


@pytest.fixture
def world(world):
    job = PrintJob.objects.create(event=world.event, status=RunStatus.DONE)
    for name in ("agendas", "badges", "table_signs"):
        getattr(job, name).save(f"{name}.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    job.save()
    return world


def event(world):
    return {"slug": world.event.slug}


def part(name):
    return lambda w: {"slug": w.event.slug, "part": name}


ORGANISERS = expect(302, 403, 403, 403, 200, 403)

CASES = [
    Case("matching:print", ORGANISERS, event),
    Case("matching:print_status", ORGANISERS, event),
    Case("matching:print_start", expect(302, 403, 403, 403, 302, 403), event, method="post"),
    Case("matching:print_download", ORGANISERS, part("agendas")),
    Case("matching:print_download", ORGANISERS, part("badges")),
    Case("matching:print_download", ORGANISERS, part("table_signs")),
    Case("matching:print_download", expect(302, 403, 403, 403, 404, 403), part("error")),
    # One's own agenda needs a validated registration of one's own: the organisers have none.
    Case("matching:agenda_pdf", expect(302, 200, 200, 200, 403, 403), event),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
