"""Validation results as CI systems read them: GitHub workflow commands, GitLab Code Quality, JSON.

Each format carries every diagnostic of every file validated, with its file, line and column,
so errors land on the diff lines of a pull or merge request. The text format stays the CLI's
own ``FILE:LINE:COL: message`` (see ``cli.print_diagnostics``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from o2s_config.diagnostics import Diagnostic, Severity

FORMAT_VERSION = "1"
# GitLab ranks issues info < minor < major < critical < blocker; an invalid file blocks the
# pipeline but is not a security hole, so errors are "major" and warnings "minor".
GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}
CHECK_NAME = "o2s-config"


@dataclass
class FileResult:
    """What validating one file found: its diagnostics and, when valid, its counts."""

    file: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    counts: dict[str, int] | None = None  # structures, profiles, users: only for a valid file
    failure: str | None = None  # an error that is not tied to a place (the tool could not run)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR) + (1 if self.failure else 0)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.WARNING)


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (file=..., title=...): ``:`` and ``,`` end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(results: Iterable[FileResult]) -> str:
    """One ``::error`` / ``::warning`` workflow command per diagnostic, one per line."""
    lines = []
    for result in results:
        for d in result.diagnostics:
            properties = f"file={escape_property(d.file)},line={d.line},col={d.column},title={CHECK_NAME}"
            lines.append(f"::{d.severity.value} {properties}::{escape_data(d.message)}")
        if result.failure:
            lines.append(f"::error file={escape_property(result.file)}::{escape_data(result.failure)}")
    return "".join(line + "\n" for line in lines)


def gitlab_code_quality(results: Iterable[FileResult]) -> str:
    """A GitLab Code Quality report (a JSON list of Code Climate issues)."""
    issues: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for result in results:
        places = [(d.file, d.line, d.column, d.message, d.severity, d.path) for d in result.diagnostics]
        if result.failure:
            places.append((result.file, 1, 1, result.failure, Severity.ERROR, ()))
        for file, line, column, message, severity, path in places:
            # no line in the fingerprint: an error that only moved is the same error for GitLab;
            # the occurrence number keeps two identical errors apart (GitLab merges equal ones)
            identity = json.dumps([file, list(path) or [line], message], ensure_ascii=False)
            seen[identity] = seen.get(identity, 0) + 1
            digest = hashlib.sha256(f"{identity}#{seen[identity]}".encode()).hexdigest()[:32]
            issues.append(
                {
                    "type": "issue",
                    "check_name": CHECK_NAME,
                    "description": message,
                    "categories": ["Bug Risk"],
                    "severity": GITLAB_SEVERITY[severity],
                    "fingerprint": digest,
                    "location": {"path": file, "positions": {"begin": {"line": line, "column": column}}},
                }
            )
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"


def json_report(results: list[FileResult]) -> str:
    """The machine-readable result of ``validate`` (schema in docs/ci.md and schemas/validate.schema.json)."""
    document = {
        "format_version": FORMAT_VERSION,
        "valid": all(r.errors == 0 for r in results),
        "summary": {
            "files": len(results),
            "errors": sum(r.errors for r in results),
            "warnings": sum(r.warnings for r in results),
        },
        "files": [
            {
                "file": r.file,
                "valid": r.errors == 0,
                "errors": r.errors,
                "warnings": r.warnings,
                "counts": r.counts,
                **({"failure": r.failure} if r.failure else {}),
            }
            for r in results
        ],
        "diagnostics": [
            {
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "severity": d.severity.value,
                "message": d.message,
                "path": list(d.path),
            }
            for r in results
            for d in r.diagnostics
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
