"""``plan --format markdown --max-chars N``: a plan too big for a pull-request comment is cut and says so."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from click.testing import CliRunner

from o2s_config.cli import main
from o2s_config.render.fit import fit_markdown, split_sections

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from synthetic import write_organisation  # noqa: E402

NOTE = re.compile(r"^> ✂️ \*\*Cut to fit (?P<limit>[\d,]+) characters\.\*\* (?P<cuts>.*)\.$", re.M)


def cuts_of(text: str) -> dict[str, tuple[int, int]]:
    match = NOTE.search(text)
    assert match, "the cut plan does not say what it cut"
    found = {}
    for part in match["cuts"].split("; "):
        title, shown, total = re.fullmatch(r"(.+): ([\d,]+) of ([\d,]+) shown", part).groups()  # type: ignore[union-attr]
        found[title] = (int(shown.replace(",", "")), int(total.replace(",", "")))
    return found


def test_ten_thousand_creates_fit_a_github_comment_and_say_what_was_cut(tmp_path: Path) -> None:
    organisation = write_organisation(tmp_path, 10_000)
    args = ["plan", str(organisation), "--target", f"sandbox:{tmp_path / 't.db'}", "--format", "markdown"]
    full = CliRunner().invoke(main, args, env={"O2S_TARGET": ""}, catch_exceptions=False)
    assert full.exit_code == 0 and len(full.stdout) > 65_536
    args += ["--max-chars", "65536", "--full-plan", "https://ci.example/run/7#artifacts"]
    result = CliRunner().invoke(main, args, env={"O2S_TARGET": ""}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert len(text) <= 65_536
    assert text.startswith("## o2s-config plan for ") and "| Create | Update | Delete | Manual |" in text
    assert "> The full plan: https://ci.example/run/7#artifacts." in text
    cuts = cuts_of(text)
    shown, total = cuts["Users"]
    assert total == 10_000 and 0 < shown < total
    users_section = next(s for s in split_sections(text)[1] if s.title == "Users")
    assert len(users_section.items) == shown  # the count said is the count shown
    assert text.count("| ➕ create | u0") >= shown


def section(title: str, rows: int, width: int = 50) -> str:
    lines = [f"### {title} ({rows})", "", "| Action | Key | Field | Before | After |", "|---|---|---|---|---|"]
    for n in range(rows):
        lines += [f"| ➕ create | {title[0].lower()}{n:05d} | a | | {'x' * width} |", f"|  |  | b | | {'y' * width} |"]
    return "\n".join([*lines, ""])


def test_a_plan_that_fits_is_unchanged() -> None:
    text = "## plan\n\n" + section("Users", 3)
    assert fit_markdown(text, 1_000) == text


def test_refusals_are_never_cut_and_small_sections_stay_whole() -> None:
    refused = "### Refused\n\n- ⛔ deleting 30 % of the users needs --force\n"
    text = "## plan\n\n" + section("Users", 400) + "\n" + section("Structures", 2) + "\n" + refused
    cut = fit_markdown(text, 8_000, "the saved plan")
    assert len(cut) <= 8_000
    assert refused.strip() in cut
    _, sections = split_sections(cut)
    assert [s.title for s in sections] == ["Users", "Structures", "Refused"]
    assert len(sections[1].items) == 2  # small section whole
    cuts = cuts_of(cut)
    assert list(cuts) == ["Users"] and cuts["Users"][1] == 400
    assert len(sections[0].items) == cuts["Users"][0]
    for item in sections[0].items:  # cut between changes: each change keeps both its rows
        assert len(item) == 2


def test_max_chars_is_for_markdown_only(tmp_path: Path) -> None:
    args = ["plan", str(ROOT / "examples" / "organisation.yaml"), "--max-chars", "5000"]
    result = CliRunner().invoke(main, args, env={"O2S_TARGET": f"sandbox:{tmp_path / 't.db'}"})
    assert result.exit_code == 1 and "--max-chars applies to --format markdown only" in result.stderr


def test_a_removal_list_longer_than_the_limit_is_shortened_and_the_note_kept() -> None:
    removed = ", ".join(f"user u{n:05d}" for n in range(10_000))  # as a forced plan removing 10,000 users lists them
    text = (
        "## plan\n\n| Create | Update | Delete | Manual |\n\n" + f"**Removes (deletes or deactivates):** {removed}\n\n"
    )
    text += section("Users", 300)
    cut = fit_markdown(text, 20_000, "the saved plan")
    assert len(cut) <= 20_000
    line = next(line for line in cut.splitlines() if line.startswith("**Removes"))
    kept, more = line.split(", … ", 1)
    assert more == "(more in the full plan)" and len(line) <= 20_000 // 4
    assert f"**Removes (deletes or deactivates):** {removed}".startswith(kept + ", ")  # whole names only
    assert re.search(r"user u\d{5}$", kept)
    assert cuts_of(cut)["Users"][1] == 300 and "> The full plan: the saved plan." in cut
