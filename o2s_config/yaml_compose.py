"""Fast YAML -> positioned Python data, with the limits a hostile file needs.

Built on the C event parser of ``ruamel.yaml.clib`` (the same libyaml that ruamel's
C-backed safe loader uses) and a small iterative composer: about ten times faster than
ruamel's Python constructor, and every key, value and item keeps its line and column.

Scalars follow the YAML 1.2 core schema (``yes``/``no`` stay strings), with one exception
for this domain: a number written with a leading zero (postal code ``01000``, SIREN
``012345678``) stays text, since reading it as 1000 would silently lose a digit. A number
written otherwise than Python prints it (``+33142000000``, ``1.10``, ``1e5``) remembers its
text, so a field the model means as text gets what the user wrote. Mapping keys are always
kept as the text written, so a login ``007`` stays ``"007"``; an invisible character in a key
is an error at its place. YAML 1.1 merge keys (``<<: *defaults``) are understood, and the
merged entries keep the place they were written at.

``${env:VAR}`` is substituted only as a whole value (``password: ${env:O2S_SMTP_PASSWORD}``);
the model decides where such a value may go (see ``env_refs``).
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

from _ruamel_yaml import CParser
from ruamel.yaml import events as ev
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.reader import ReaderError

from o2s_config.diagnostics import Diagnostic
from o2s_config.keys import INVISIBLE, character_name, visible
from o2s_config.positioned import Loc, PosDict, PosList, SecretText, WrittenFloat, WrittenInt, pack, place

ENV_REF = re.compile(r"\$(\$?)\{env:([A-Za-z_][A-Za-z0-9_]*)\}")
_INT = re.compile(r"^[-+]?[0-9]+$")
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INF = {".inf": math.inf, ".Inf": math.inf, ".INF": math.inf, "+.inf": math.inf, "-.inf": -math.inf}
_NAN = frozenset({".nan", ".NaN", ".NAN"})
_TAG = "tag:yaml.org,2002:"
# what YAML text may not hold as is (the C reader refuses it): C0 controls but tab and line
# breaks, DEL, C1 controls but NEL, and the two non-characters
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
# control characters a double-quoted value may spell as escapes ("\x1b[31m"): all but tab and line breaks
_VALUE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MAX_REPORTED = 20  # control characters reported one by one; a file with more needs no longer list


@dataclass(frozen=True)
class Limits:
    """Bounds on what one file may ask of the loader."""

    max_depth: int = 64
    max_alias_nodes: int = 100_000  # nodes that aliases may add by expansion
    max_bytes: int = 32 * 1024 * 1024  # 50,000 users take about 20 MB
    max_events: int = 4_000_000  # keys, values, items and ends: about 110,000 users
    max_collections: int = 500_000  # mappings and lists, some 300 bytes of memory each
    max_seconds: float = 60.0  # parse time, whatever the file holds
    max_extends: int = 10  # files in one ``extends:`` chain, the organisation file included


class ComposeAbort(Exception):
    """Composition cannot go on (syntax error or a limit); carries its diagnostics (usually one)."""

    def __init__(self, diagnostic: Diagnostic, *more: Diagnostic) -> None:
        self.diagnostics = [diagnostic, *more]
        super().__init__("\n".join(d.format() for d in self.diagnostics))


@dataclass
class Composed:
    data: Any
    errors: list[Diagnostic] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)
    empty: bool = False
    root: Loc | None = None  # where the top-level node starts
    env_references: int = 0  # values written as ${env:VAR}, set or not


class _Frame:
    __slots__ = ("anchor", "container", "key", "key_mark", "merges", "size")

    def __init__(self, container: PosDict | PosList, anchor: str | None) -> None:
        self.container = container
        self.anchor = anchor
        self.key: object = None  # for mappings: the key waiting for its value
        self.key_mark: Any = None
        self.merges: list[PosDict] | None = None  # mappings given by '<<', in order of precedence
        self.size = 1


_DISCARD = object()  # a key we reported as bad: its value is dropped
_MERGE = object()  # the YAML 1.1 merge key: a plain '<<' (a quoted '<<' is an ordinary key)
_BUDGET_EVERY = 0x3FFF  # events between two checks of the parse time and size budgets


class _Composer:
    def __init__(self, text: str, file: str, env: dict[str, str], limits: Limits) -> None:
        self.text = text
        self.file = file
        self.env = env
        self.limits = limits
        self.errors: list[Diagnostic] = []
        self.secrets: set[str] = set()
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.alias_nodes = 0
        self.env_references = 0
        self.root_mark: Any = None
        self.deadline = time.monotonic() + limits.max_seconds
        # a key can hold an invisible character only in a file that is not plain ASCII, or
        # as an escape in double quotes: in a plain ASCII file without backslash, skip the check
        self.check_keys = not text.isascii() or "\\" in text

    def error(self, mark: Any, message: str) -> Diagnostic:
        loc = loc_of(mark, self.file)
        d = Diagnostic(self.file, loc.line, loc.column, message)
        self.errors.append(d)
        return d

    def abort(self, mark: Any, message: str) -> ComposeAbort:
        return ComposeAbort(Diagnostic(self.file, mark.line + 1, mark.column + 1, message))

    def run(self) -> Composed:
        parser = CParser(self.text)
        try:
            return self._documents(parser)
        except MarkedYAMLError as exc:
            raise ComposeAbort(self._syntax(exc)) from None
        except ReaderError:
            raise ComposeAbort(*control_characters(self.text, self.file)) from None
        finally:
            parser.dispose()

    def _syntax(self, exc: MarkedYAMLError) -> Diagnostic:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        offset = getattr(mark, "index", None)
        if offset is not None and 0 <= offset < len(self.text) and self.text[offset] == "\t":
            return Diagnostic(self.file, line, column, "tab character: YAML indentation must use spaces")
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        start = exc.context_mark
        if exc.context and start is not None and (start.line + 1, start.column + 1) != (line, column):
            # an unclosed bracket or quote is found far below where it was opened: say where
            context = f" ({exc.context} started at line {start.line + 1}, column {start.column + 1})"
        return Diagnostic(self.file, line, column, f"YAML syntax error: {problem}{context}")

    def _documents(self, parser: CParser) -> Composed:
        get = parser.get_event
        get()  # StreamStart
        first = get()
        if type(first) is ev.StreamEndEvent:
            return Composed(None, empty=True)
        root = self._node(parser)
        get()  # DocumentEnd
        extra = get()
        if type(extra) is ev.DocumentStartEvent:
            raise self.abort(extra.start_mark, "only one YAML document is allowed per file")
        where = loc_of(self.root_mark, self.file) if self.root_mark is not None else None
        composed = Composed(root, self.errors, self.secrets, empty=root is None, root=where)
        composed.env_references = self.env_references
        return composed

    def _node(self, parser: CParser) -> Any:
        """Compose one node (the document root) without recursion."""
        get = parser.get_event
        stack: list[_Frame] = []
        max_depth = self.limits.max_depth
        max_collections = self.limits.max_collections
        check_keys = self.check_keys
        budget_mask = _BUDGET_EVERY
        self.root_mark = parser.peek_event().start_mark
        events = collections = 0
        while True:
            event = get()
            kind = type(event)
            events += 1
            if not events & budget_mask:
                self._within_budget(event, events)
            if kind is ev.ScalarEvent:
                expecting_key = bool(stack) and stack[-1].key is None and type(stack[-1].container) is PosDict
                value: Any
                if expecting_key and event.tag is None:
                    value = event.value
                    if value == "<<" and not event.style:
                        value = _MERGE
                    elif check_keys and (event.style == '"' or not value.isascii()):
                        value = self._visible_key(event, value)
                else:
                    value = self._scalar(event)
                size = 1
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1)
            elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
                if len(stack) >= max_depth:
                    raise self.abort(event.start_mark, f"nesting deeper than {max_depth} levels")
                collections += 1
                if collections > max_collections:
                    raise self.abort(event.start_mark, f"more than {max_collections} mappings and lists in one file")
                if event.tag is not None and event.tag not in (_TAG + "map", _TAG + "seq"):
                    self.error(event.start_mark, f"unsupported YAML tag '{event.tag}'")
                container = (
                    PosDict(self.file, pack(event.start_mark))
                    if kind is ev.MappingStartEvent
                    else PosList(self.file, pack(event.start_mark))
                )
                stack.append(_Frame(container, event.anchor))
                continue
            elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
                frame = stack.pop()
                if frame.merges and isinstance(frame.container, PosDict):
                    _merge_into(frame.container, frame.merges)
                value, size = frame.container, frame.size
                if frame.anchor:
                    self.anchors[frame.anchor] = (value, size)
                mark = frame.container.start  # the place of a finished collection is its start
                if not stack:
                    return value
                self._attach(stack[-1], value, mark, size)
                continue
            elif kind is ev.AliasEvent:
                if event.anchor not in self.anchors:
                    raise self.abort(event.start_mark, f"unknown alias '*{event.anchor}'")
                value, size = self.anchors[event.anchor]
                self.alias_nodes += size
                if self.alias_nodes > self.limits.max_alias_nodes:
                    raise self.abort(
                        event.start_mark,
                        f"aliases expand to more than {self.limits.max_alias_nodes} nodes (alias bomb?)",
                    )
            else:
                raise self.abort(event.start_mark, f"unexpected YAML event {kind.__name__}")
            if not stack:
                return value
            self._attach(stack[-1], value, pack(event.start_mark), size)

    def _attach(self, frame: _Frame, value: Any, mark: int | Loc, size: int) -> None:
        frame.size += size
        container = frame.container
        if isinstance(container, PosList):
            container.append(value)
            container.marks.append(mark)
            return
        if frame.key is None:
            if value is _MERGE:
                self._merge_key(frame, mark)
                return
            if isinstance(value, PosDict | PosList) or value is None:
                self.error(mark, "a mapping key must be plain text")
                frame.key = _DISCARD
                return
            key = value if isinstance(value, str) else self._key_text(value)
            if key in container:
                first = container.key_loc(key)
                self.error(mark, f"duplicate key '{key}' (first given at line {first.line})")
                frame.key = _DISCARD
                return
            frame.key, frame.key_mark = key, mark
            return
        pending = frame.key
        frame.key = None
        if pending is _MERGE:
            self._merge_value(frame, value, mark)
            return
        if not isinstance(pending, str):
            return  # a key already reported as bad
        container[pending] = value
        container.key_marks[pending] = frame.key_mark
        container.value_marks[pending] = mark

    @staticmethod
    def _key_text(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def _within_budget(self, event: Any, events: int) -> None:
        """Stop a file that asks for more work than any organisation needs (checked every few thousand events)."""
        if events > self.limits.max_events:
            raise self.abort(event.start_mark, f"more than {self.limits.max_events} YAML nodes in one file")
        if time.monotonic() > self.deadline:
            raise self.abort(event.start_mark, f"reading the file took more than {self.limits.max_seconds:g} s")

    def _scalar(self, event: Any) -> Any:
        text: str = event.value
        tag = event.tag
        if tag is not None and tag != "!":
            return self._tagged(event, text, tag)
        if event.style or not event.implicit[0]:
            if event.style == '"':
                control = _VALUE_CONTROL.search(text)
                if control is not None:  # spelt as an escape: "\x1b[31m" would repaint a terminal
                    name = character_name(control.group())
                    self.error(event.start_mark, f"control character {name} in a value: remove it")
            return self._string(event, text)
        return self._plain(event, text)

    def _plain(self, event: Any, text: str) -> Any:
        """YAML 1.2 core schema resolution of a plain scalar; mapping keys keep their text later."""
        if text in _NULLS:
            return None
        first = text[0]
        if first in "tTfF":
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
        elif first in "0123456789+-.":
            if _LEADING_ZERO.match(text):
                return self._string(event, text)
            if _INT.match(text):
                integer = int(text)
                return integer if str(integer) == text else WrittenInt(integer, text)
            if _FLOAT.match(text):
                real = float(text)
                return real if str(real) == text else WrittenFloat(real, text)
            if _OCT.match(text):
                return WrittenInt(int(text[2:], 8), text)
            if _HEX.match(text):
                return WrittenInt(int(text[2:], 16), text)
            if text in _INF:
                return WrittenFloat(_INF[text], text)
            if text in _NAN:
                return WrittenFloat(math.nan, text)
        return self._string(event, text)

    def _tagged(self, event: Any, text: str, tag: str) -> Any:
        name = tag[len(_TAG) :] if tag.startswith(_TAG) else None
        if name == "str":
            return self._string(event, text)
        expected: dict[str, Any] = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}
        resolved: Any = self._plain(event, text) if name in expected else _DISCARD
        wrong_kind = isinstance(resolved, bool) != (name == "bool")
        if resolved is _DISCARD or wrong_kind or not isinstance(resolved, expected[str(name)]):
            self.error(event.start_mark, f"unsupported YAML tag '{tag}' for value '{text}'")
            return text
        return float(resolved) if name == "float" else resolved

    def _string(self, event: Any, text: str) -> str:
        if "${" not in text:
            return text
        whole = ENV_REF.fullmatch(text)
        if whole is not None and not whole.group(1):
            return self._from_environment(event, whole.group(2))
        if any(not match.group(1) for match in ENV_REF.finditer(text)):
            self.env_references += 1
            self.error(
                event.start_mark,
                "a ${env:VAR} reference must be the whole value, e.g. 'password: ${env:O2S_SMTP_PASSWORD}' "
                "(text around a secret would be written with it)",
            )
            return text
        return ENV_REF.sub(lambda match: match.group(0)[1:], text)  # "$${env:X}" is a literal "${env:X}"

    def _from_environment(self, event: Any, name: str) -> SecretText:
        """The value of ``${env:NAME}``: a secret, whatever the field (``env_refs`` checks the field)."""
        self.env_references += 1
        value = self.env.get(name)
        if value is None:
            self.error(event.start_mark, f"environment variable '{name}' is not set")
            return SecretText("")
        if not value:
            self.error(event.start_mark, f"environment variable '{name}' is empty")
            return SecretText("")
        self.secrets.add(value)
        return SecretText(value)

    def _visible_key(self, event: Any, key: str) -> str:
        """``key`` without its invisible characters, the first one reported where it is written."""
        found = INVISIBLE.search(key)
        if found is None:
            return key
        char = found.group()
        line, column = self._place_in_scalar(event, char)
        self.errors.append(
            Diagnostic(
                self.file,
                line,
                column,
                f"key '{visible(key)}' holds an invisible character ({character_name(char)}): "
                "two keys that look the same would differ; remove it",
            )
        )
        return INVISIBLE.sub("", key)

    def _place_in_scalar(self, event: Any, char: str) -> tuple[int, int]:
        """Line and column of ``char`` in the scalar's text as written, or of the escape that spells it."""
        start = event.start_mark
        written = self.text[start.index : event.end_mark.index]
        offset = written.find(char)
        if offset < 0:
            offset = max(written.find("\\"), 0)
        before = written[:offset]
        breaks = before.count("\n")
        if breaks:
            return start.line + 1 + breaks, offset - before.rfind("\n")
        return start.line + 1, start.column + 1 + offset

    def _merge_key(self, frame: _Frame, mark: int | Loc) -> None:
        if frame.merges is not None:
            self.error(mark, "duplicate key '<<': merge several mappings with one list, e.g. '<<: [*a, *b]'")
            frame.key = _DISCARD
            return
        frame.key, frame.key_mark = _MERGE, mark

    def _merge_value(self, frame: _Frame, value: Any, mark: int | Loc) -> None:
        sources = list(value) if isinstance(value, PosList) else [value]
        if not sources or not all(isinstance(source, PosDict) for source in sources):
            self.error(mark, "'<<' (a YAML merge key) takes a mapping or a list of mappings, e.g. '<<: *defaults'")
            frame.merges = []
            return
        frame.merges = sources


def _merge_into(container: PosDict, sources: list[PosDict]) -> None:
    """YAML 1.1 merge: keys written in the mapping win, then the first source that has the key.

    Each merged entry keeps the place it was written at (under its anchor), so an error in
    a shared value points there.
    """
    for source in sources:
        for key, value in source.items():
            if key not in container:
                container[key] = value
                container.key_marks[key] = source.key_marks.get(key, source.start)
                container.value_marks[key] = source.value_marks.get(key, source.start)


def control_characters(text: str, file: str) -> list[Diagnostic]:
    """A diagnostic for each control character written as is in ``text`` (the first 20)."""
    found: list[Diagnostic] = []
    for match in _RAW_CONTROL.finditer(text):
        if len(found) == _MAX_REPORTED:
            break
        offset = match.start()
        line = text.count("\n", 0, offset) + 1
        column = offset - text.rfind("\n", 0, offset)
        message = f"control character {character_name(match.group())} in the file: YAML text may not hold one"
        found.append(Diagnostic(file, line, column, message))
    return found or [Diagnostic(file, 1, 1, "a character YAML text may not hold")]


def compose(text: str, file: str, env: dict[str, str], limits: Limits | None = None) -> Composed:
    """Parse one YAML document into PosDict/PosList/scalars.

    Raises ComposeAbort for errors after which nothing more can be read (syntax, limits);
    other errors (duplicate keys, unset variables) are collected in ``Composed.errors``.
    """
    return _Composer(text, file, env, limits or Limits()).run()


def loc_of(mark: Any, file: str) -> Loc:
    """The place of a parser mark or a packed place."""
    if isinstance(mark, int):
        return place(file, mark)
    return Loc(file, mark.line + 1, mark.column + 1)
