"""``o2s-config sandbox serve`` (the reference tenant over HTTP, loopback by default) and ``sandbox seed``."""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
from pathlib import Path

import click

from o2s_config.sandbox.auth import DEFAULT_TOKEN_TTL, PUBLISHED_TOKEN_TTL, Credentials
from o2s_config.sandbox.people import DEFAULT_DOMAIN, MAX_PEOPLE, seed_people
from o2s_config.sandbox.seed import ADMIN_LOGIN, open_tenant

DEFAULT_DB = ".o2s/sandbox.db"
DB_OPTION = click.option(
    "--db",
    "db",
    default=DEFAULT_DB,
    show_default=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="SQLite file of the tenant (created and seeded when new).",
)


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


def _generated_credentials(url: str) -> Credentials:
    """Credentials for a published-only server started without any: printed once, as variables to export."""
    credentials = Credentials("o2s-config", secrets.token_urlsafe(18), ADMIN_LOGIN, secrets.token_urlsafe(18))
    click.echo("password-grant credentials (the published mode has no static token):", err=True)
    click.echo(
        "export "
        f"O2S_CLIENT_ID={credentials.client_id} O2S_CLIENT_SECRET={credentials.client_secret} "
        f"O2S_USERNAME={credentials.username} O2S_PASSWORD={credentials.password} O2S_AUTH_URL={url}",
        err=True,
    )
    return credentials


@sandbox.command()
@DB_OPTION
@click.option(
    "--api",
    type=click.Choice(["full", "published"]),
    default="full",
    show_default=True,
    help="full: published endpoints with 'ext' objects and /ext/v1; published: only what Harvest publishes.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option(
    "--token",
    envvar="O2S_SANDBOX_TOKEN",
    help="Static bearer token (never expires); prefer the O2S_SANDBOX_TOKEN variable: an option shows in ps. "
    "Without it and without credentials, a random one is printed "
    "(with --api published: password-grant credentials instead).",
)
@click.option("--client-id", envvar="O2S_SANDBOX_CLIENT_ID", help="Password grant: the client id accepted.")
@click.option("--client-secret", envvar="O2S_SANDBOX_CLIENT_SECRET", help="Password grant: the client secret accepted.")
@click.option("--username", envvar="O2S_SANDBOX_USERNAME", help="Password grant: the O2S login accepted.")
@click.option("--password", envvar="O2S_SANDBOX_PASSWORD", help="Password grant: that login's password.")
@click.option(
    "--token-ttl",
    default=None,
    type=click.IntRange(1),
    help=f"Lifetime in seconds of tokens from the token endpoint [default: {DEFAULT_TOKEN_TTL}, "
    f"{PUBLISHED_TOKEN_TTL} with --api published].",
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
    api: str,
    host: str,
    port: int,
    token: str | None,
    client_id: str | None,
    client_secret: str | None,
    username: str | None,
    password: str | None,
    token_ttl: int | None,
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
    sock = listen(host, port)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}"
    if token is None and credentials is None:
        if api == "published":
            credentials = _generated_credentials(url)
        else:
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
        api="published" if api == "published" else "full",
    )
    click.echo(f"serving {db} ({api} API) at {url}", err=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])


@sandbox.command("seed")
@DB_OPTION
@click.option("--people", "count", required=True, type=click.IntRange(0, MAX_PEOPLE), help="How many people to add.")
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same people.")
@click.option("--domain", default=DEFAULT_DOMAIN, show_default=True, help="Domain of their e-mail addresses.")
@click.option("--json", "as_json", is_flag=True, help="Print the people added as a JSON array on stdout.")
def seed_command(db: Path, count: int, seed: int, domain: str, as_json: bool) -> None:
    """Add people a firm already has (French names, e-mails, agences, profiles, managers; no external reference).

    For rehearsing the adoption of an existing tenant: serve the file afterwards, in either mode.
    """
    try:
        store = open_tenant(db)
        try:
            people = seed_people(store, count, seed, domain)
        finally:
            store.close()
    except (sqlite3.Error, OSError, RuntimeError) as error:
        raise click.ClickException(f"{db}: {error}") from None
    if as_json:
        click.echo(json.dumps([person.to_json() for person in people], ensure_ascii=False, indent=2))
    agences = sorted({person.agence for person in people})
    click.echo(f"added {len(people)} people to {db} (agences: {', '.join(agences) or 'none'})", err=True)
