"""schemathesis over every operation of /api/v1/, in-process through WSGI, as two roles.

For each role (a 街道 office, and a 兼职网格员 on a leaf grid of the small jurisdiction) every
operation of the OpenAPI document gets `EXAMPLES` generated requests (valid by the document) and
`NEGATIVE_EXAMPLES` invalid ones; each answer must be no 5xx, have a status code, content type
and body the document declares. Every example runs inside a savepoint rolled back after it, so
writes of one example do not change what the next one sees. Hypothesis is derandomized (the
same requests on every run, so CI is reproducible) and has no deadline; all failures of a role are
collected and reported together, one (shrunk) example per operation.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from firegrid.config.api import api
from firegrid.config.wsgi import application
from firegrid.core.api_auth import api_token_create
from firegrid.grids.models import Grid
from firegrid.testing import user_with_role

EXAMPLES = 30
NEGATIVE_EXAMPLES = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = {
    "street_office": "410185001",  # 街道 office: manages a street and its subtree
    "parttime_worker": "410185001001001",  # 兼职网格员 on one leaf grid
}


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[None]:
    """Requests through the WSGI handler share the test's connection and transaction: stop the
    handler from closing that connection at the start and end of each request (as Django's test
    client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def api_schema() -> Any:
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = application
    return schema


def run_operation(operation: Any, mode: Any, examples: int, headers: dict[str, str]) -> None:
    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        savepoint = transaction.savepoint()
        try:
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
        finally:
            transaction.savepoint_rollback(savepoint)

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_api_operation_survives_generated_input(
    role: str, small_jurisdiction: dict[str, Grid], wsgi_in_test_transaction: None
) -> None:
    user = user_with_role(role, small_jurisdiction[ROLES[role]], username=f"fuzz-{role}")
    _, key = api_token_create(user=user, name="fuzz")
    headers = {"Authorization": f"Bearer {key}"}
    failures: list[str] = []
    timings: list[tuple[float, str]] = []
    operations = [result.ok() for result in api_schema().get_all_operations()]
    assert len(operations) > 100  # every operation, not a filtered few
    for operation in operations:
        started = time.monotonic()
        for mode, examples in (
            (schemathesis.GenerationMode.POSITIVE, EXAMPLES),
            (schemathesis.GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES),
        ):
            try:
                run_operation(operation, mode, examples, headers)
            except (Exception, BaseExceptionGroup) as exc:  # every failure is collected, reported
                failures.append(f"{operation.label} [{mode.value}]: {exc}"[:3000])
        timings.append((time.monotonic() - started, operation.label))
    slowest = ", ".join(f"{label} {seconds:.1f}s" for seconds, label in sorted(timings)[-3:])
    assert not failures, f"{len(failures)} failing operation(s) (slowest: {slowest}):\n" + (
        "\n\n".join(failures)
    )
