"""Apply progress: a bar on a terminal, one line per finished change otherwise (CI logs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import click
from rich.console import Console
from rich.progress import Progress

from o2s_config.apply import Listener
from o2s_config.changes import Change
from o2s_config.render.escape import printable


def progress_listener(changes: Sequence[Change], terminal: bool) -> tuple[Listener, Callable[[], None]]:
    """A listener called as each change finishes, and a function to call at the end."""
    if not terminal:

        def line(change: Change, error: BaseException | None) -> None:
            click.echo(printable(f"{'failed' if error else 'done'}: {change.describe()}"), err=True)

        return line, lambda: None
    bar = Progress(console=Console(stderr=True), transient=False)
    task = bar.add_task("Applying", total=len([c for c in changes if not c.manual]))
    bar.start()

    def advance(change: Change, error: BaseException | None) -> None:
        description = printable(f"{'failed' if error else 'done'}: {change.describe()}")
        bar.update(task, advance=1, description=description)

    return advance, bar.stop
