"""The published-only mode's OpenAPI document: committed, current, free of extensions, kept by the server."""

from __future__ import annotations

import json
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

from o2s_config.sandbox.openapi import DOCUMENTS, render

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / DOCUMENTS["published"]
REGENERATE = f"python -m o2s_config.sandbox.openapi --api published > {DOCUMENTS['published']}"
FUZZ_EXAMPLES = int(os.environ.get("O2S_FUZZ_EXAMPLES", "25"))  # per operation; raise it for a deeper run
REQUEST_TIMEOUT_S = 10  # each call: a hung request fails the test instead of stalling the suite

schema = schemathesis.openapi.from_path(DOCUMENT)


def test_committed_document_is_up_to_date() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == render("published"), f"out of date: run {REGENERATE}"


def test_the_document_describes_only_published_paths_and_fields() -> None:
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    assert not [path for path in document["paths"] if path.startswith("/ext")]
    assert "/utilisateurs/{id}/responsable" in document["paths"]
    schemas = document["components"]["schemas"]
    assert not [name for name, shape in schemas.items() if {"ext", "login"} & set(shape.get("properties", {}))]
    assert set(schemas["Utilisateur"]["properties"]) == {
        "id", "dateCreation", "dateMaj", "profilId", "refExternes", "statut", "agenceIds", "donneesPersonnelles",
    }  # fmt: skip


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A published-only tenant of its own: the fuzz replaces and deletes whatever it finds."""
    running = start_server(tmp_path_factory.mktemp("fuzz-published") / "tenant.db", api="published")
    yield running
    running.stop()


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_fuzz_finds_no_server_error_and_no_off_document_answer(case: schemathesis.Case[Any], fuzzed: Server) -> None:
    case.call_and_validate(
        base_url=fuzzed.url,
        headers={"Authorization": f"Bearer {fuzzed.token}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
        timeout=REQUEST_TIMEOUT_S,
    )
