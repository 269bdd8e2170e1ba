"""Semantic checks of an organisation, run after the model accepted its shape.

Each check module exposes ``check(ctx) -> Iterator[Diagnostic]``; ``ALL`` lists them in
the order their messages are most useful. They never raise on bad input: they report.
"""

from o2s_config.checks import aggregation, hierarchy, keys, policies, profiles, services, users
from o2s_config.checks.context import CheckContext

ALL = (keys.check, profiles.check, users.check, hierarchy.check, aggregation.check, services.check, policies.check)

__all__ = ["ALL", "CheckContext"]
