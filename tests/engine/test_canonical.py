"""``unchanged`` says what comparing the two sides of ``managed_pair`` says, without building them."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from o2s_config.canonical import managed_pair, unchanged
from o2s_config.model import User

SERVER = {"host": "smtp.cabinet.fr", "port": 587, "username": "conseil"}


@st.composite
def users(draw: st.DrawFn) -> dict[str, Any]:
    """A user with each optional field left out or set to one of two values (nested ones too)."""
    user: dict[str, Any] = {"last_name": draw(st.sampled_from(["Durand", "Martin"])), "email": "a@cabinet.fr"}
    scalars: dict[str, list[Any]] = {
        "first_name": ["Anne", "Paul"],
        "active": [True, False],
        "advisor": [True, False],
        "profile": ["Conseiller", "Manager"],
        "moneypitch_grant": ["none", "unlimited"],
        "advisor_id": ["A1", "A2"],
    }
    for name, values in scalars.items():
        choice = draw(st.sampled_from([None, *values]))
        if choice is not None:
            user[name] = choice
    options = {
        name: value
        for name, value in (
            ("o2s_access", draw(st.sampled_from([None, True, False]))),
            ("elearning", draw(st.sampled_from([None, [], ["Lutte anti-blanchiment"], ["DDA", "Lutte"]]))),
        )
        if value is not None
    }
    if draw(st.booleans()):
        user["options"] = options
    if draw(st.booleans()):
        password = draw(st.sampled_from(["secret", "autre"]))  # a secret: compared as revealed
        user["email_server"] = {"smtp": {**SERVER, "port": draw(st.sampled_from([465, 587])), "password": password}}
    return user


@settings(max_examples=300, derandomize=True)
@given(want=users(), have=st.none() | users())
def test_unchanged_is_the_comparison_of_the_managed_pair(want: dict[str, Any], have: dict[str, Any] | None) -> None:
    mine = User.model_validate(want)
    theirs = User.model_validate(have) if have is not None else None
    wanted, held = managed_pair(mine, theirs)
    assert unchanged(mine, theirs) == (wanted == held)


def test_a_user_the_tenant_holds_with_more_fields_is_unchanged() -> None:
    """What the file leaves out is not managed: the tenant's other values do not make a change."""
    written = {"last_name": "Durand", "email": "a@cabinet.fr", "options": {"o2s_access": True}}
    mine = User.model_validate(written)
    held = {**written, "first_name": "Anne", "options": {"o2s_access": True, "patritheque": True}}
    assert unchanged(mine, User.model_validate(held))
    assert not unchanged(mine, User.model_validate({**held, "options": {"o2s_access": False}}))
    assert not unchanged(mine, None)
