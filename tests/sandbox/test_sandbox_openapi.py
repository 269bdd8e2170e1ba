"""The committed OpenAPI document is current, and the server keeps to it under a property fuzz."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sandbox_harness import Server, start_server
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from o2s_config.sandbox.openapi import render

DOCUMENT = Path(__file__).resolve().parents[2] / "schemas" / "o2s-api.openapi.json"
REGENERATE = "python -m o2s_config.sandbox.openapi > schemas/o2s-api.openapi.json"

# bounded so the suite stays quick; raise it for a deeper run: O2S_FUZZ_EXAMPLES=300 pytest ...
FUZZ_EXAMPLES = int(os.environ.get("O2S_FUZZ_EXAMPLES", "25"))

schema = schemathesis.openapi.from_path(DOCUMENT)


def test_committed_document_is_up_to_date() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == render(), f"out of date: run {REGENERATE}"


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A tenant of its own: the fuzz renames and deletes whatever it finds."""
    running = start_server(tmp_path_factory.mktemp("fuzz") / "tenant.db")
    yield running
    running.stop()


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_fuzz_finds_no_server_error_and_no_off_document_answer(
    case: schemathesis.Case[Any],
    fuzzed: Server,
) -> None:
    case.call_and_validate(
        base_url=fuzzed.url,
        headers={"Authorization": f"Bearer {fuzzed.token}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
