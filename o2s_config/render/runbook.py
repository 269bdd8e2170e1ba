"""The runbook: the manual steps as a checklist grouped by O2S screen (text, Markdown, HTML), in French.

Each group is one screen, named by its navigation path; each line is one label and what to do
with it, and the step's id (what ``o2s-config ack`` takes to confirm it). Secrets are never shown.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from o2s_config.manual_steps import ManualStep, by_screen
from o2s_config.render.escape import printable
from o2s_config.render.markdown import escape

TITLE = "Étapes à faire dans les écrans O2S"


def runbook_text(steps: Sequence[ManualStep], target: str) -> str:
    """The checklist as plain text."""
    lines = [f"{TITLE} ({printable(target)}) : {len(steps)} étape(s)"]
    if not steps:
        lines.append("Aucune étape : tout ce que les écrans seuls peuvent faire est confirmé.")
    for screen, group in by_screen(steps).items():
        lines += ["", printable(screen)]
        lines += [printable(f"  [ ] {step.line()}    ({step.id})") for step in group]
    lines += ["", "Une fois faites : o2s-config ack FICHIER (toutes) ou o2s-config ack FICHIER ID... (certaines)."]
    return "\n".join(lines) + "\n"


def runbook_markdown(steps: Sequence[ManualStep], target: str) -> str:
    """The checklist as Markdown task lists, one heading per screen."""
    out = [f"## {TITLE}", "", f"Cible : `{target.replace('`', '')}` : {len(steps)} étape(s).", ""]
    for screen, group in by_screen(steps).items():
        out += [f"### {escape(screen)}", ""]
        out += [f"- [ ] {escape(step.line())} <sub>`{step.id.replace('`', '')}`</sub>" for step in group]
        out.append("")
    return "\n".join(out)


def runbook_html(steps: Sequence[ManualStep], target: str) -> str:
    """The checklist as a printable HTML page (tick boxes on paper or on screen)."""
    body = [
        f"<h1>{html.escape(TITLE)}</h1>",
        f"<p>Cible : <code>{html.escape(target)}</code> : {len(steps)} étape(s).</p>",
    ]
    for screen, group in by_screen(steps).items():
        body.append(f"<h2>{html.escape(screen)}</h2><ul>")
        body += [
            f'<li><label><input type="checkbox"> {html.escape(step.line())}</label> '
            f"<small><code>{html.escape(step.id)}</code></small></li>"
            for step in group
        ]
        body.append("</ul>")
    head = '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Runbook O2S</title>'
    style = "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}li{margin:.3em 0}</style></head><body>"
    return head + style + "\n".join(body) + "</body></html>\n"
