"""The plan as JSON: the contract of DESIGN.md (``schemas/plan.schema.json``)."""

from __future__ import annotations

import json
from typing import Any

from o2s_config.access_diff import AccessChanges, UserChange
from o2s_config.catalog import load_catalog
from o2s_config.changes import Change, FieldChange
from o2s_config.manual_steps import ManualStep
from o2s_config.plan import FORMAT_VERSION, Plan
from o2s_config.render.common import manual_path, right_of, shown
from o2s_config.render.escape import json_printable


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan as a JSON-ready document; secrets are masked, payloads are not included."""
    document: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "target": plan.target,
        "fingerprint": plan.fingerprint,
        "summary": plan.summary,
        "changes": [_change(c) for c in plan.changes],
        "billed": [
            {"option": c.option.key, "label": c.option.label, "before": c.before, "after": c.after} for c in plan.billed
        ],
        "warnings": list(plan.warnings),
        "refusals": {"threshold": list(plan.threshold_violations), "lockout": list(plan.lockout_violations)},
        "access_changes": access_document(plan.access),
    }
    if plan.source:
        document["source"] = plan.source
    if plan.manual_steps or plan.acknowledged:
        document["manual_steps"] = [_step(s) for s in plan.manual_steps]
        document["acknowledged_steps"] = [_step(s) for s in plan.acknowledged]
    return document


def access_document(access: AccessChanges) -> dict[str, Any]:
    """Every user whose visibility or sensitive rights change, complete (no name is left out)."""
    return {"users": [_user_access(u) for u in access.users], "notes": list(access.notes)}


def _user_access(user: UserChange) -> dict[str, Any]:
    return {
        "login": user.login,
        "name": user.name,
        "status": user.status,
        "agendas": {"gained": list(user.agendas.gained), "lost": list(user.agendas.lost)},
        "clients": {"gained": list(user.clients.gained), "lost": list(user.clients.lost)},
        "rights": [
            {"right": r.key, "label": r.label, "sensitive": r.sensitive, "before": r.before, "after": r.after}
            for r in user.rights
        ],
    }


def _step(step: ManualStep) -> dict[str, Any]:
    """A manual step: where, which label, what to do; never a secret (the action is masked, no value)."""
    return {
        "id": step.id,
        "resource": step.kind,
        "key": step.key,
        "path": step.path,
        "screen": step.screen,
        "label": step.label,
        "action": step.action,
        "fingerprint": step.fingerprint,
    }


def _change(change: Change) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": change.id,
        "action": change.action,
        "resource": change.resource,
        "key": change.key,
        "fields": [_field(f) for f in change.fields],
        "depends_on": list(change.depends_on),
        "manual": change.manual,
    }
    if change.renamed_from:
        found["renamed_from"] = change.renamed_from
    if change.manual:
        found["manual_path"] = manual_path(change)
    if change.action == "adopt":
        found["adopts"] = {"tenant_id": change.facts.get("tenant_id"), "person": change.facts.get("person")}
    return found


def _field(change: FieldChange) -> dict[str, Any]:
    found: dict[str, Any] = {"path": change.path, "label": change.label, "op": change.op}
    found["before"] = shown(change, change.before)
    found["after"] = shown(change, change.after)
    right = right_of(change, load_catalog())
    if right is not None and right.assumption:
        found["assumed"] = True  # the set-up guide does not name this right: the label is our reading
    return found


def render_json(plan: Plan) -> str:
    """The plan document, indented, stable key order."""
    return json_printable(json.dumps(plan_document(plan), ensure_ascii=False, indent=2)) + "\n"
