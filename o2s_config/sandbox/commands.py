"""``o2s-config sandbox serve``: the reference tenant over HTTP (uvicorn, loopback by default)."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import click

from o2s_config.sandbox.auth import DEFAULT_TOKEN_TTL, Credentials

DEFAULT_DB = ".o2s/sandbox.db"


def _credentials(
    client_id: str | None, client_secret: str | None, username: str | None, password: str | None
) -> Credentials | None:
    given = (client_id, client_secret, username, password)
    if not any(given):
        return None
    if not all(given):
        raise click.UsageError("--client-id, --client-secret, --username and --password go together")
    return Credentials(client_id or "", client_secret or "", username or "", password or "")


def _log_to_stderr() -> None:
    """The server's own log lines (database errors, full disk) on stderr, next to uvicorn's."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("o2s_config.sandbox")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


# options holding a secret -> the variable that keeps it out of the process list
_SECRET_OPTIONS = {
    "token": "O2S_SANDBOX_TOKEN",
    "client_secret": "O2S_SANDBOX_CLIENT_SECRET",
    "password": "O2S_SANDBOX_PASSWORD",
}


def _warn_secrets_in_arguments(ctx: click.Context) -> None:
    """A secret given as an option is visible to every user of the machine (``ps``): say so."""
    for name, variable in _SECRET_OPTIONS.items():
        if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE:
            option = "--" + name.replace("_", "-")
            click.echo(
                f"warning: {option} shows its value to every user of this machine (ps); set {variable}", err=True
            )


@click.group()
def sandbox() -> None:
    """The sandbox: a reference O2S tenant stored in SQLite."""


@sandbox.command()
@click.option(
    "--db",
    "db",
    default=DEFAULT_DB,
    show_default=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="SQLite file of the tenant (created and seeded when new).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option(
    "--token",
    envvar="O2S_SANDBOX_TOKEN",
    help="Static bearer token (never expires); prefer the O2S_SANDBOX_TOKEN variable: an option shows in ps. "
    "A random one is printed when neither it nor credentials are given.",
)
@click.option("--client-id", envvar="O2S_SANDBOX_CLIENT_ID", help="Password grant: the client id accepted.")
@click.option("--client-secret", envvar="O2S_SANDBOX_CLIENT_SECRET", help="Password grant: the client secret accepted.")
@click.option("--username", envvar="O2S_SANDBOX_USERNAME", help="Password grant: the O2S login accepted.")
@click.option("--password", envvar="O2S_SANDBOX_PASSWORD", help="Password grant: that login's password.")
@click.option(
    "--token-ttl",
    default=DEFAULT_TOKEN_TTL,
    show_default=True,
    type=click.IntRange(1),
    help="Lifetime in seconds of tokens from the token endpoint.",
)
@click.option(
    "--fail-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Share of requests answered 503 with Retry-After.",
)
@click.option("--rate-limit", default=None, type=click.IntRange(1), help="Requests per second before 429.")
@click.option("--latency-ms", default=0, show_default=True, type=click.IntRange(0), help="Delay added to each request.")
@click.option("--seed", default=None, type=int, help="Seed of the fault draws, for reproducible runs.")
def serve(
    db: Path,
    host: str,
    port: int,
    token: str | None,
    client_id: str | None,
    client_secret: str | None,
    username: str | None,
    password: str | None,
    token_ttl: int,
    fail_rate: float,
    rate_limit: int | None,
    latency_ms: int,
    seed: int | None,
) -> None:
    """Serve the tenant in DB over HTTP until interrupted."""
    # imported here so that other commands do not pay for the web stack at start-up
    import uvicorn

    from o2s_config.sandbox.app import create_app
    from o2s_config.sandbox.process import listen

    _log_to_stderr()
    _warn_secrets_in_arguments(click.get_current_context())
    credentials = _credentials(client_id, client_secret, username, password)
    if token is None and credentials is None:
        token = secrets.token_urlsafe(24)
        click.echo(f"static token (export O2S_TOKEN={token})", err=True)
    app = create_app(
        db,
        token=token,
        credentials=credentials,
        token_ttl=token_ttl,
        fail_rate=fail_rate,
        rate_limit=rate_limit,
        latency_ms=latency_ms,
        seed=seed,
    )
    sock = listen(host, port)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"serving {db} at http://{shown}:{sock.getsockname()[1]}", err=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
