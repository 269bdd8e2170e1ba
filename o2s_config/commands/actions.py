"""``o2s-config reset-password``: an explicit action, confirmed each time, never part of a plan."""

from __future__ import annotations

import sys

import click

from o2s_config.backends.actions import (
    RESET_SCREEN,
    can_reset_passwords,
    find_user,
    request_password_reset,
    reset_refusal,
)
from o2s_config.backends.http import O2SClient
from o2s_config.commands.engine import TARGET, run_on_target
from o2s_config.errors import O2SConfigError, UnsafePlanError


@click.command("reset-password")
@click.argument("login")
@TARGET
@click.option("--yes", is_flag=True, help="Send without asking for confirmation (no terminal needed).")
def reset_password(login: str, target: str | None, yes: bool) -> None:
    """Send LOGIN the e-mail inviting him to reset his O2S password (« Envoyer la demande de réinitialisation »)."""

    async def work(client: O2SClient) -> str:
        if not await can_reset_passwords(client):
            raise O2SConfigError(
                f"{client.target.text} cannot send a password-reset request through its API: "
                f"send it by hand in {RESET_SCREEN}"
            )
        user = await find_user(client, login)
        refusal = reset_refusal(user)
        if refusal:
            raise O2SConfigError(refusal)
        _confirm(f"Send a password-reset e-mail to {user.login} ({user.email})?", yes)
        await request_password_reset(client, user)
        return f"password-reset e-mail sent to {user.login} ({user.email})"

    click.echo(run_on_target(target, work))


def has_terminal() -> bool:
    """Whether someone can answer a question on stdin."""
    return sys.stdin.isatty()


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not has_terminal():
        raise UnsafePlanError("no terminal to confirm on: run reset-password with --yes to send without asking")
    if not click.confirm(question, default=False):
        raise UnsafePlanError("reset-password cancelled: nothing was sent")
