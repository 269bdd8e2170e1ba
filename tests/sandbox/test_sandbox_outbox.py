"""The outbox: creating a user with a login records his activation e-mail; nothing else does."""

from __future__ import annotations

from collections.abc import Callable

from sandbox_harness import Server, assert_problem, new_user


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


def test_a_user_without_login_gets_no_activation_until_he_is_given_one(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    user = new_user(api, login="mleroy", has_login=False, active=False).json()
    assert [mail["login"] for mail in api.get("/ext/v1/outbox").json()] == ["admin"]
    assert api.put(f"/utilisateurs/{user['id']}", json={"ext": {"has_login": True}}).status_code == 204
    mails = api.get("/ext/v1/outbox").json()
    assert [(m["kind"], m["login"]) for m in mails] == [("activation", "admin"), ("activation", "mleroy")]


def test_a_password_reset_request_is_an_outbox_entry(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    user = new_user(api, login="jdurand", email="julie.durand@exemple.fr").json()
    before = api.get("/utilisateurs/" + str(user["id"])).json()
    answer = api.post(f"/ext/v1/users/{user['id']}/password-reset")
    assert answer.status_code == 202, answer.text
    entry = answer.json()
    assert (entry["kind"], entry["login"], entry["to"]) == ("password_reset", "jdurand", "julie.durand@exemple.fr")
    assert api.get("/ext/v1/outbox").json()[-1] == entry
    # the user himself is unchanged: a request is an action, not a state
    assert api.get("/utilisateurs/" + str(user["id"])).json() == before


def test_a_password_reset_needs_an_active_user_with_a_login(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    without = new_user(api, has_login=False, active=False).json()
    assert_problem(api.post(f"/ext/v1/users/{without['id']}/password-reset"), 422, "validation", "has_login")
    inactive = new_user(api, active=False).json()
    assert_problem(api.post(f"/ext/v1/users/{inactive['id']}/password-reset"), 422, "validation", "active")
    assert_problem(api.post("/ext/v1/users/999999/password-reset"), 404, "not-found")
    # the tenant's admin and the inactive user with a login were sent an activation; no reset went out
    assert [m["kind"] for m in api.get("/ext/v1/outbox").json()] == ["activation", "activation"]
