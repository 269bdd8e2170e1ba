"""The outbox: creating a user with a login records his activation e-mail; nothing else does."""

from __future__ import annotations

from collections.abc import Callable

from sandbox_harness import Server, new_user


def test_creating_a_user_records_an_activation_email(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    seeded = api.get("/ext/v1/outbox").json()
    assert [mail["login"] for mail in seeded] == ["admin"]
    user = new_user(api, login="jdurand", email="julie.durand@exemple.fr").json()
    mails = api.get("/ext/v1/outbox").json()
    assert len(mails) == 2
    mail = mails[-1]
    assert (mail["kind"], mail["user_id"], mail["login"], mail["to"]) == (
        "activation",
        user["id"],
        "jdurand",
        "julie.durand@exemple.fr",
    )
    assert mail["subject"]


def test_refused_creations_and_updates_record_nothing(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    user = new_user(api).json()
    new_user(api, login=user["ext"]["login"])  # 409
    api.put(f"/utilisateurs/{user['id']}", json={"ext": {"first_name": "Paul"}})
    assert len(api.get("/ext/v1/outbox").json()) == 2
