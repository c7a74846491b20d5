"""The sparse workbook against a real `firegrid serve` (gunicorn + the huey consumer, SQLite in a
temporary directory): through the API with and without dry-run and as a background job, the
server and the consumer stay up and answer the health check, and nothing is written.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from firegrid.core.tests import test_serve as served
from firegrid.registry.tests.test_ledger_untrusted import FAR, with_cell

pytestmark = served.LINUX_ONLY

SETUP = """
from firegrid.core.api_auth import api_token_create
from django.contrib.auth import get_user_model
user = get_user_model().objects.create_superuser("e2e-office", "e2e@example.org", "unused-Pass-1")
print(api_token_create(user=user, name="e2e")[1])
"""

QUEUE_JOB = """
from django.core.files.base import ContentFile
from django.contrib.auth import get_user_model
from firegrid.registry.models import LedgerImport
from firegrid.registry.tasks import ledger_import_task
data = open({path!r}, "rb").read()
job = LedgerImport.objects.create(
    kind="places", actor=get_user_model().objects.get(username="e2e-office"),
    file=ContentFile(data, name="sparse.xlsx"), original_name="sparse.xlsx", rows_total=1,
    phase="waiting",
)
ledger_import_task.enqueue(job.pk, "en")
print(job.pk)
"""

COUNTS = """
from firegrid.core.models import AuditEvent
from firegrid.registry.models import Place
print(Place.objects.count(), AuditEvent.objects.count())
"""


def shell(env: dict[str, str], code: str) -> str:
    done = subprocess.run(  # noqa: S603
        [*served.CLI, "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


def call(port: int, token: str, path: str, body: bytes | None = None, boundary: str = "") -> Any:
    request = urllib.request.Request(  # noqa: S310 - loopback only
        f"http://127.0.0.1:{port}{path}",
        data=body,
        headers={
            "Authorization": f"Bearer {token}",
            **({"Content-Type": f"multipart/form-data; boundary={boundary}"} if boundary else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_sparse_workbook_never_takes_the_server_or_the_consumer_down(
    tmp_path: Path,
) -> None:
    var = tmp_path / "var"
    var.mkdir()
    env = {
        **served.os.environ,
        "DJANGO_SETTINGS_MODULE": "firegrid.config.settings.base",
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
        "FIREGRID_VAR_DIR": str(var),
        "FIREGRID_MEDIA_ROOT": str(var / "media"),
        "FIREGRID_DEMO": "1",
    }
    subprocess.run([*served.CLI, "migrate", "-v", "0"], env=env, check=True, timeout=300)  # noqa: S603
    token = shell(env, SETUP)
    sparse = tmp_path / "sparse.xlsx"
    sparse.write_bytes(with_cell("XFD1048576"))
    before = shell(env, COUNTS)
    port = served.free_port()

    with served.serving(env, port, tmp_path / "serve.log") as server:
        assert served.wait_for_health(port)[0] == 200
        assert served.wait_until(lambda: len(consumers(server.pid)) == 1, 20)
        (consumer,) = consumers(server.pid)

        for dry_run in ("true", "false"):
            body, boundary = multipart(
                {"kind": "places", "dry_run": dry_run}, "sparse.xlsx", sparse.read_bytes()
            )
            status, answer = call(port, token, "/api/v1/ledgers/imports", body, boundary)
            assert status == 422
            assert answer["error"]["code"] == "ledger_too_large_extent"
            assert served.health(port)[0] == 200

        job_id = shell(env, QUEUE_JOB.format(path=str(sparse)))
        deadline = time.monotonic() + 60
        while True:
            status, job = call(port, token, f"/api/v1/ledgers/imports/{job_id}")
            assert status == 200
            if job["status"] not in ("pending", "running") or time.monotonic() > deadline:
                break
            time.sleep(0.3)

        assert job["status"] == "rejected"
        assert FAR.split(";")[0] in job["message"]
        assert served.health(port)[0] == 200
        assert consumers(server.pid) == [consumer]  # the same consumer, never restarted
        assert server.poll() is None
    assert shell(env, COUNTS) == before


def consumers(pid: int) -> list[int]:
    return [child for child, cmd in served.children_of(pid).items() if "run_huey" in cmd]
