"""Media shared by several web hosts through an S3-compatible store (config/settings.py,
AWS_STORAGE_BUCKET_NAME): moto's S3 server stands for the store, two uvicorn servers for two
web hosts on one PostgreSQL. A document uploaded through host A is stored in the bucket,
privately; host B serves it to whoever may see the pitch, and refuses anyone else (the
permission check of pitches.views.attachment, the file read through the storage).
"""

import contextlib
import http.client
import io
import os
import secrets
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from pitches.enums import AttachmentKind, PitchStatus
from pitches.models import Attachment
from tests.asgi_server import session_cookie
from tests.factories import PitchFactory
from tests.live import ARTIFACTS, BASE_DIR, free_port, uvicorn_server
from tests.stack import wait_for_port

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "osez-test", "AWS_SECRET_ACCESS_KEY": "osez-test-secret"}


@pytest.fixture
def s3() -> Iterator[dict[str, str]]:
    """moto's S3 server on a free port, a bucket in it; the environment that points at it."""
    import boto3
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run through `python -m tests.stack -- pytest`")
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "s3.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_port(port, "moto's S3 server")
        env = {
            **CREDENTIALS,
            "AWS_STORAGE_BUCKET_NAME": f"osez-{uuid.uuid4().hex[:8]}",
            "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "AWS_S3_REGION_NAME": "eu-west-3",
        }
        client = boto3.client(
            "s3",
            endpoint_url=env["AWS_S3_ENDPOINT_URL"],
            region_name=env["AWS_S3_REGION_NAME"],
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        client.create_bucket(
            Bucket=env["AWS_STORAGE_BUCKET_NAME"],
            CreateBucketConfiguration={"LocationConstraint": env["AWS_S3_REGION_NAME"]},
        )
        env["client"] = client
        yield env
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def a_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(base_url: str, path: str, cookie: str, content: bytes) -> int:
    """POST the attachment form (multipart) as the person of `cookie`; the status."""
    boundary = secrets.token_hex(12)
    csrf = secrets.token_hex(16)
    fields = {"title": "Cahier des charges", "kind": AttachmentKind.SPECIFICATION}
    body = b""
    for name, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        body += value.encode() + b"\r\n"
    body += (
        f"--{boundary}\r\nContent-Disposition: form-data; "
        'name="file"; filename="cahier.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    host = urlsplit(base_url)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Cookie": f"{cookie}; csrftoken={csrf}",
                "X-CSRFToken": csrf,
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def download(base_url: str, path: str, cookie: str) -> tuple[int, bytes]:
    host = urlsplit(base_url)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_document_uploaded_on_one_host_is_served_by_another_only_to_who_may_see_it(
    s3, event, organiser, ess_member
):
    pitch = PitchFactory(event=event, status=PitchStatus.DRAFT, published_at=None)
    content = a_pdf()
    client = s3.pop("client")

    with (
        uvicorn_server("media-host-a.log", env=s3) as (a, _),
        uvicorn_server("media-host-b.log", env=s3) as (b, _),
    ):
        path = reverse("pitches:attachment_add", args=[pitch.pk])
        status = upload(a, path, session_cookie(organiser), content)
        document = Attachment.objects.get(pitch=pitch)
        url = reverse("pitches:attachment", args=[document.pk])
        organiser_sees = download(b, url, session_cookie(organiser))
        outsider_sees = download(b, url, session_cookie(ess_member))
        anonymous_sees = download(b, url, "")

    key = document.file.name
    stored = client.get_object(Bucket=s3["AWS_STORAGE_BUCKET_NAME"], Key=key)["Body"].read()
    grants = client.get_object_acl(Bucket=s3["AWS_STORAGE_BUCKET_NAME"], Key=key)["Grants"]
    assert status == 302
    assert stored == content  # in the bucket, not on a host's disk
    assert not (BASE_DIR / "media" / key).exists()
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # private: owner only
    assert organiser_sees == (200, content)
    assert outsider_sees[0] == 404
    assert anonymous_sees[0] == 404
