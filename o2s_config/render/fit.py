"""Cut a rendered Markdown plan to a size limit (a pull-request comment holds 65,536 characters).

Works on the renderer's output, section by section, so it does not depend on how each row
is written: the heading part (title, summary table) and the refusals are always kept, then
sections are kept whole while they fit, then cut between changes; a closing note says what
was left out and where the full plan is.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

GITHUB_COMMENT_LIMIT = 65_536
MIN_CHARS = 1_000  # below this not even the summary and the note fit
_KEEP_WHOLE = ("Refused",)  # a refusal is never cut: it is why the plan cannot be applied
_HEAD_SHARE = 4  # a line above the sections (the list of removals) takes at most 1/4 of the limit
_MORE = ", … (more in the full plan)"


@dataclass
class Section:
    """One rendered section: its lines before the first item, its items (a change's rows, a bullet), its end."""

    title: str
    intro: list[str] = field(default_factory=list)
    items: list[list[str]] = field(default_factory=list)
    outro: list[str] = field(default_factory=list)

    def lines(self, shown: int | None = None) -> list[str]:
        kept = self.items if shown is None else self.items[:shown]
        return [*self.intro, *(line for item in kept for line in item), *self.outro]


def _starts_item(line: str) -> bool:
    """A new change's first row (its action cell is filled) or a bullet; not a table's header rows."""
    if line.startswith("- "):
        return True
    is_row = line.startswith("|") and not line.startswith(("|  |", "|---", "| Action |"))
    return is_row


def _is_row(line: str) -> bool:
    return line.startswith("|") or line.startswith("- ")


def _title(line: str) -> str:
    """``Users (12)`` from ``### Users (12)`` or ``<summary>Users (12)</summary>``, without the count."""
    text = html.unescape(line.removeprefix("### ").removeprefix("<summary>").removesuffix("</summary>"))
    return re.sub(r" \(\d+\)$", "", text)


def split_sections(text: str) -> tuple[list[str], list[Section]]:
    """The lines before the first section, and the sections (a ``### `` heading or a ``<details>`` block)."""
    head: list[str] = []
    sections: list[Section] = []
    for line in text.split("\n"):
        if line.startswith(("### ", "<details>")):
            sections.append(Section(title=_title(line) if line.startswith("### ") else "", intro=[line]))
        elif not sections:
            head.append(line)
        else:
            _add(sections[-1], line)
    return head, sections


def _add(section: Section, line: str) -> None:
    if not section.title and line.startswith("<summary>"):
        section.title = _title(line)
    if section.outro:
        section.outro.append(line)
    elif _starts_item(line):
        section.items.append([line])
    elif _is_row(line) and section.items:
        section.items[-1].append(line)
    elif section.items:
        section.outro.append(line)
    else:
        section.intro.append(line)


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _note(max_chars: int, cuts: list[tuple[str, int, int]], full_plan: str) -> list[str]:
    parts = [f"{title}: {shown:,} of {total:,} shown" for title, shown, total in cuts]
    return [
        f"> ✂️ **Cut to fit {max_chars:,} characters.** {'; '.join(parts)}.",
        f"> The full plan: {full_plan}.",
        "",
    ]


def fit_markdown(text: str, max_chars: int = GITHUB_COMMENT_LIMIT, full_plan: str | None = None) -> str:
    """``text`` unchanged when it fits in ``max_chars``; else cut between changes, saying what was cut."""
    if len(text) <= max_chars:
        return text
    full_plan = full_plan or "`o2s-config plan --format text`, or the plan saved with `--out`"
    head, sections = split_sections(text)
    head = [_shorten(line, max_chars // _HEAD_SHARE) for line in head]
    whole = [s for s in sections if s.title.startswith(_KEEP_WHOLE)]
    reserve = 0
    for _ in range(4):  # the note's length depends on what is cut: settle it in a few rounds
        budget = max_chars - _size(head) - sum(_size(s.lines()) for s in whole) - reserve
        kept, cuts = _fill([s for s in sections if s not in whole], budget)
        note = _note(max_chars, cuts, full_plan)
        lines = [*head, *note, *(line for s in sections for line in (s.lines() if s in whole else kept.get(id(s), [])))]
        result = "\n".join(lines)
        if len(result) <= max_chars:
            return result
        reserve += len(result) - max_chars + _size(note)
    return result[:max_chars]


def _shorten(line: str, limit: int) -> str:
    """``line`` within ``limit`` characters, cut after a whole item of its comma-separated list."""
    if len(line) <= limit:
        return line
    end = line.rfind(", ", 0, limit - len(_MORE))
    return line[: end if end > 0 else limit - len(_MORE)] + _MORE


def _fill(sections: list[Section], budget: int) -> tuple[dict[int, list[str]], list[tuple[str, int, int]]]:
    """The lines kept of each section within ``budget``, and (title, shown, total) for each section cut.

    The smallest sections are kept whole first (a reviewer sees every small change), then the
    budget left goes to the others in plan order, cut between changes.
    """
    kept: dict[int, list[str]] = {}
    for section in sorted(sections, key=lambda s: _size(s.lines())):
        if _size(section.lines()) > budget:
            break
        kept[id(section)] = section.lines()
        budget -= _size(kept[id(section)])
    cuts: list[tuple[str, int, int]] = []
    for section in sections:
        if id(section) in kept:
            continue
        shown = 0
        room = budget - _size(section.intro) - _size(section.outro)
        while shown < len(section.items) and _size(section.items[shown]) <= room:
            room -= _size(section.items[shown])
            shown += 1
        cuts.append((section.title, shown, len(section.items)))
        if shown:
            kept[id(section)] = section.lines(shown)
            budget -= _size(kept[id(section)])
    return kept, cuts
