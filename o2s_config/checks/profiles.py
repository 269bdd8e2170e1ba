"""Profiles: ``from`` chains, rights against the catalogue, the screen's constraints."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from o2s_config.catalog import Catalog, RightsMap
from o2s_config.checks.context import CheckContext, DocPath
from o2s_config.diagnostics import Diagnostic
from o2s_config.intents import Intents
from o2s_config.model import ADMIN_PROFILE, RightsSet
from o2s_config.resolve import apply_overrides, resolve_profiles
from o2s_config.suggest import did_you_mean


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    profiles = ctx.org.profiles or {}
    for label, profile in profiles.items():
        path: DocPath = ("profiles", label)
        if label == ADMIN_PROFILE:
            if profile.from_ != "all" or profile.rights:
                yield ctx.at(
                    path, "the 'Administrateur' profile is built in: it has every right and cannot be changed", key=True
                )
            continue
        yield from rights_errors(ctx, path, profile, ctx.catalog)
        if profile.from_ not in ("all", "none", ADMIN_PROFILE) and profile.from_ not in ctx.known.get(
            "profiles", set()
        ):
            yield ctx.at(
                (*path, "from"),
                f"'from' names unknown profile '{profile.from_}' (expected all, none or a profile label)",
            )
    yield from _resolve(ctx, profiles)


def rights_errors(ctx: CheckContext, path: DocPath, spec: RightsSet, catalog: Catalog) -> Iterator[Diagnostic]:
    """Unknown tabs and rights (with a suggestion), values of the wrong kind."""
    for tab, values in spec.rights.items():
        if tab not in catalog.tabs:
            hint = catalog.suggest_tab(tab)
            yield ctx.at((*path, "rights", tab), f"unknown rights tab '{tab}'" + did_you_mean(hint), key=True)
            continue
        for right_id, value in values.items():
            here = (*path, "rights", tab, right_id)
            right = catalog.right(tab, right_id)
            if right is None:
                hint = catalog.suggest_right(tab, right_id)
                yield ctx.at(here, f"unknown right '{tab}.{right_id}'" + did_you_mean(hint), key=True)
            elif not right.accepts(value):
                expected = "true or false" if right.kind == "flag" else "one of " + ", ".join(right.choices)
                yield ctx.at(
                    here, f"right '{right.key}' ({right.marked_label}): expected {expected}, got '{_written(value)}'"
                )


def _written(value: object) -> str:
    """A value as the file writes it (``true``, not Python's ``True``)."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def constraint_errors(ctx: CheckContext, path: DocPath, spec: RightsSet, base: RightsMap) -> Iterator[Diagnostic]:
    """The screen's rules on the effective rights, reported where the profile sets the offending right."""
    effective = apply_overrides(base, spec.rights, ctx.catalog)
    for constraint in ctx.catalog.constraints:
        tab, _, right_id = constraint.right.partition(".")
        explicit = spec.rights.get(tab, {}).get(right_id)
        if constraint.kind == "forced_off":
            # the screen unticks the box by itself: only an explicit "true" contradicts it
            condition = effective.get(tab, {}).get(right_id) is False and explicit is True
            if condition and _when_holds(constraint.when_right, constraint.when_equals, effective):
                yield ctx.at((*path, "rights", tab, right_id), constraint.marked_message)
        elif constraint.violated_by(effective):
            where = (*path, "rights", tab, right_id) if explicit is not None else path
            yield ctx.at(where, constraint.marked_message, key=explicit is None)


def _when_holds(dotted: str, equals: object, rights: RightsMap) -> bool:
    tab, _, right_id = dotted.partition(".")
    return rights.get(tab, {}).get(right_id) == equals


def resolvable(profiles: Mapping[str, RightsSet], catalog: Catalog) -> tuple[dict[str, RightsSet], list[list[str]]]:
    """The profiles that can be resolved (known rights, known base, no loop), and the loops found."""
    fixed = ("all", "none", ADMIN_PROFILE)
    candidates = {
        label: p
        for label, p in profiles.items()
        if label != ADMIN_PROFILE and all(catalog.right(t, r) is not None for t, v in p.rights.items() for r in v)
    }
    changed = True
    while changed:
        missing = [label for label, p in candidates.items() if p.from_ not in fixed and p.from_ not in candidates]
        changed = bool(missing)
        for label in missing:
            del candidates[label]
    loops: list[list[str]] = []
    for start in list(candidates):
        chain = [start]
        while chain[-1] in candidates and candidates[chain[-1]].from_ not in fixed:
            nxt = candidates[chain[-1]].from_
            if nxt in chain:
                loop = [*chain[chain.index(nxt) :], nxt]
                if not any(set(loop) == set(seen) for seen in loops):
                    loops.append(loop)
                break
            chain.append(nxt)
    for loop in loops:
        for label in loop:
            candidates.pop(label, None)
    changed = True
    while changed:  # profiles copying a profile of a loop cannot be resolved either
        missing = [label for label, p in candidates.items() if p.from_ not in fixed and p.from_ not in candidates]
        changed = bool(missing)
        for label in missing:
            del candidates[label]
    return candidates, loops


def _resolve(ctx: CheckContext, profiles: Mapping[str, RightsSet]) -> Iterator[Diagnostic]:
    candidates, loops = resolvable(profiles, ctx.catalog)
    for loop in loops:
        yield ctx.at(("profiles", loop[0], "from"), "profiles copy each other in a loop: " + " -> ".join(loop))
    ctx.rights = resolve_profiles(candidates, ctx.catalog)
    intents = Intents.of(ctx.org)
    for label, profile in candidates.items():
        base = ctx.catalog.full(profile.from_) if profile.from_ in ("all", "none") else ctx.rights[profile.from_]  # type: ignore[arg-type]
        yield from constraint_errors(ctx, ("profiles", label), profile, base)
        yield from sensitive_warnings(ctx, ("profiles", label), ctx.rights[label], intents.sensitive_of_profile(label))


def sensitive_warnings(
    ctx: CheckContext, path: DocPath, rights: RightsMap, declared: frozenset[str], who: str | None = None
) -> Iterator[Diagnostic]:
    """Granting a right the O2S screen calls sensitive, outside Administrateur, deserves a second look.

    Rights the file declares intended (``policies.sensitive_rights``, in ``declared``) have had it.
    """
    granted = [
        r.marked_label for r in ctx.catalog.all_rights() if r.sensitive and r.grants(rights) and r.key not in declared
    ]
    if granted:
        listed = ", ".join(f"« {label} »" for label in granted)
        name = who or f"'{path[-1]}'"
        yield ctx.at(path, f"{name} grants sensitive rights: {listed}", key=True, warning=True)
