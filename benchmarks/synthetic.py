"""Synthetic organisations of any size, realistic enough to measure the tool on.

Structures, 12 profiles, a hierarchy four levels deep, every user field filled.
Used by the benchmark scripts; deterministic for a given size.
"""

from __future__ import annotations

from pathlib import Path

PROFILES = {
    "Manager": "      administration: {module_access: false}\n      agenda: {view_calendars: attached}\n",
    "Conseiller": "      administration: {module_access: false, subscription_access: false}\n",
    "Conseiller junior": "      administration: {module_access: false, subscription_access: false}\n"
    "      agenda: {view_calendars: own}\n      configuration: {services_access: false}\n",
    "Back-office": "      administration: {module_access: false, subscription_access: false}\n"
    "      portfolio: {manage_portfolios: false}\n",
}
PROFILES.update({f"Equipe {n}": "      administration: {module_access: false}\n" for n in range(1, 9)})
STRUCTURES = 20


def organisation_yaml(users: int) -> str:
    """An organisation file of ``users`` users (the first is the administrator)."""
    out = ["# yaml-language-server: $schema=../schemas/organisation.schema.json", "version: 1"]
    out.append("establishment:\n  general: {name: Cabinet Synthétique, email: contact@synthetique.fr}")
    out.append("structures:")
    out += [f"  s{n:02d}: {{name: Agence {n:02d}}}" for n in range(STRUCTURES)]
    out.append(
        "services:\n  advisor_statuses:\n    Niveau 1: {commission_rate: 30}\n    Niveau 2: {commission_rate: 40}"
    )
    out.append("profiles:")
    for label, rights in PROFILES.items():
        out.append(f"  {label}:\n    valid: true\n    from: all\n    rights:\n{rights.rstrip()}")
    labels = list(PROFILES)
    out.append("users:")
    for i in range(users):
        profile = "Administrateur" if i == 0 else labels[i % len(labels)]
        out.append(
            f"  u{i:06d}:\n"
            f"    title: {'Mme' if i % 2 else 'M.'}\n"
            f"    first_name: Prénom{i}\n"
            f"    last_name: Nom{i}\n"
            f"    sender_name: Prénom{i} Nom{i}\n"
            f"    email: u{i:06d}@synthetique.fr\n"
            f"    advisor_id: A{i:06d}\n"
            f"    structure: s{i % STRUCTURES:02d}\n"
            f"    exclude_from_harvest_emails: {'true' if i % 7 == 0 else 'false'}\n"
            f"    active: {'false' if i % 50 == 49 else 'true'}\n"
            f"    advisor: {'false' if i % 10 == 9 else 'true'}\n"
            f"    commission_status: Niveau {1 + i % 2}\n"
            f"    profile: {profile}\n"
            f"    moneypitch_grant: {'limited' if i % 3 == 0 else 'none'}\n"
            + (f"    moneypitch_limit: {5 + i % 10}\n" if i % 3 == 0 else "")
            + "    esignature: false"
        )
    out.append("hierarchy:")
    out.append(hierarchy_yaml(users))
    return "\n".join(out) + "\n"


def hierarchy_yaml(users: int) -> str:
    """Four levels: the administrator over directors over managers over advisors (10 per team)."""
    logins = [f"u{i:06d}" for i in range(1, users)]
    directors, rest = logins[:10], logins[10:]
    managers, advisors = rest[: len(rest) // 11], rest[len(rest) // 11 :]
    lines = ["  u000000:"]
    for d, director in enumerate(directors):
        lines.append(f"    - {director}:")
        for m in range(d, len(managers), len(directors)):
            team = advisors[m * 10 : m * 10 + 10]
            lines.append(f"        - {managers[m]}: [{', '.join(team)}]")
        if not any(True for _ in range(d, len(managers), len(directors))):
            lines[-1] = f"    - {director}"
    placed = set(advisors[: len(managers) * 10])
    left = [a for a in advisors if a not in placed]
    lines += [f"    - {login}" for login in left]
    return "\n".join(lines)


def write_organisation(folder: Path, users: int) -> Path:
    """Write the synthetic file (and nothing else) into ``folder``; returns its path."""
    path = folder / f"synthetic-{users}.yaml"
    path.write_text(organisation_yaml(users), encoding="utf-8")
    return path
