"""Declared intents: what the file says it means to grant or to pay for, so that warnings name only the rest.

A warning that always fires teaches users to ignore warnings. The file's ``policies`` may declare
the sensitive rights each profile is meant to grant (``sensitive_rights``; a user's one-off profile
copied from a profile inherits its list) and the billed options the firm means to pay for
(``billed_options``). ``validate`` and ``plan`` both ask this module, so they leave out the same
things. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from o2s_config.model import Organisation


@dataclass(frozen=True)
class Intents:
    """The file's declarations, ready to be asked per profile, per user and per billed option."""

    sensitive: Mapping[str, frozenset[str]] = field(default_factory=dict)  # profile label -> rights (tab.id)
    custom_from: Mapping[str, str] = field(default_factory=dict)  # login -> base of his one-off profile
    billed: frozenset[str] = frozenset()  # billed option keys (user fields)

    @classmethod
    def of(cls, org: Organisation) -> Intents:
        """What ``org`` declares (nothing without ``policies``)."""
        policies = org.policies
        if policies is None:
            return cls()
        custom = {login: u.custom_profile.from_ for login, u in (org.users or {}).items() if u.custom_profile}
        sensitive = {label: frozenset(keys) for label, keys in (policies.sensitive_rights or {}).items()}
        return cls(sensitive, custom, frozenset(policies.billed_options or ()))

    def sensitive_of_profile(self, label: str) -> frozenset[str]:
        """The sensitive rights profile ``label`` is meant to grant."""
        return self.sensitive.get(label, frozenset())

    def sensitive_of_user(self, login: str) -> frozenset[str]:
        """The sensitive rights a user's one-off profile is meant to grant: those of the profile it copies."""
        base = self.custom_from.get(login)
        return self.sensitive_of_profile(base) if base is not None else frozenset()
