"""Query strings as py-pure-client sends them, and the list semantics.

The SDK percent-encodes each value (``urllib.parse.quote``, so ``+`` is a
literal plus) and joins list parameters with a bare ``,`` (CSV), so lists
are split before decoding. Booleans arrive as ``true``/``false``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from protector.storage.simulator.errors import bad_request
from protector.storage.simulator.names import glob_match


class Query:
    def __init__(self, query_string: str) -> None:
        self._raw: dict[str, str] = {}
        for part in query_string.split("&"):
            if not part:
                continue
            key, _, value = part.partition("=")
            self._raw[unquote(key)] = value

    def __contains__(self, key: str) -> bool:
        return key in self._raw

    def keys(self) -> list[str]:
        return list(self._raw)

    def str(self, key: str) -> str | None:
        raw = self._raw.get(key)
        return None if raw is None else unquote(raw)

    def list(self, key: str) -> list[str] | None:
        raw = self._raw.get(key)
        if raw is None:
            return None
        return [unquote(v) for v in raw.split(",") if v != ""]

    def bool(self, key: str) -> bool | None:
        value = self.str(key)
        if value is None:
            return None
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise bad_request(f"Parameter {key} must be true or false.")
        return lowered == "true"

    def int(self, key: str) -> int | None:
        value = self.str(key)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise bad_request(f"Parameter {key} must be an integer.") from None


# -- filter -------------------------------------------------------------------
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op><=|>=|!=|=|<|>)
      | (?P<paren>[(),])
      | (?P<word>[A-Za-z0-9_.\-:*]+)
    )""",
    re.VERBOSE,
)


@dataclass
class _Tok:
    kind: str
    value: str


def _tokenize(text: str) -> list[_Tok]:
    pos, out = 0, []
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise bad_request(f"Invalid filter near: {text[pos:]!r}")
        kind = m.lastgroup or ""
        out.append(_Tok(kind, m.group(kind)))
        pos = m.end()
    return out


def lookup(item: Any, path: str) -> list[Any]:
    """Values at a dotted path; lists fan out (``arrays.status``)."""
    values = [item]
    for part in path.split("."):
        nxt = []
        for value in values:
            if isinstance(value, dict) and part in value:
                got = value[part]
                nxt.extend(got if isinstance(got, list) else [got])
        values = nxt
    return values


def _coerce(literal: str, quoted: bool, value: Any) -> Any:
    if isinstance(value, bool):
        return literal.lower() == "true"
    if isinstance(value, (int, float)):
        try:
            return float(literal)
        except ValueError:
            return literal
    if not quoted and literal.lower() == "null":
        return None
    return literal


def _compare(op: str, value: Any, literal: str, quoted: bool) -> bool:
    want = _coerce(literal, quoted, value)
    if isinstance(want, str) and isinstance(value, str) and op in ("=", "!="):
        hit = glob_match(want, value)
        return hit if op == "=" else not hit
    if op == "=":
        return value == want
    if op == "!=":
        return value != want
    if value is None or want is None:
        return False
    try:
        return {
            "<": value < want,
            ">": value > want,
            "<=": value <= want,
            ">=": value >= want,
        }[op]
    except TypeError:
        return False


class _Parser:
    """``expr := and_expr ('or' and_expr)*``; ``and_expr := atom ('and' atom)*``;
    ``atom := 'not' '(' expr ')' | '(' expr ')' | contains(f,'x') | field op literal``.
    """

    def __init__(self, text: str) -> None:
        self.toks = _tokenize(text)
        self.i = 0

    def _peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _take(self, kind: str | None = None, value: str | None = None) -> _Tok:
        tok = self._peek()
        if tok is None or (kind and tok.kind != kind) or (value and tok.value.lower() != value):
            raise bad_request("Invalid filter expression.")
        self.i += 1
        return tok

    def parse(self) -> Any:
        node = self._or()
        if self._peek() is not None:
            raise bad_request("Invalid filter expression.")
        return node

    def _or(self) -> Any:
        node = self._and()
        while (tok := self._peek()) and tok.kind == "word" and tok.value.lower() == "or":
            self._take()
            node = ("or", node, self._and())
        return node

    def _and(self) -> Any:
        node = self._atom()
        while (tok := self._peek()) and tok.kind == "word" and tok.value.lower() == "and":
            self._take()
            node = ("and", node, self._atom())
        return node

    def _atom(self) -> Any:
        tok = self._peek()
        if tok is None:
            raise bad_request("Invalid filter expression.")
        if tok.kind == "paren" and tok.value == "(":
            self._take()
            node = self._or()
            self._take("paren", ")")
            return node
        nxt = self.toks[self.i + 1] if self.i + 1 < len(self.toks) else None
        if (tok.kind == "word" and tok.value.lower() == "not" and nxt is not None
                and nxt.kind == "word"):
            self._take()  # ``not is_local``: negation of a bare field
            return ("not", self._atom())
        if tok.kind == "word" and tok.value.lower() in ("not", "contains"):
            word = self._take().value.lower()
            self._take("paren", "(")
            if word == "not":
                node = ("not", self._or())
            else:
                field_name = self._take("word").value
                self._take("paren", ",")
                lit = self._take("str").value
                node = ("contains", field_name, lit[1:-1])
            self._take("paren", ")")
            return node
        field_name = self._take("word").value
        after = self._peek()
        if after is None or after.kind != "op":
            # A bare field (``iqns='x' and is_local``) is true when truthy.
            return ("truthy", field_name)
        op = self._take("op").value
        lit = self._peek()
        if lit is None or lit.kind not in ("str", "word"):
            raise bad_request("Invalid filter expression.")
        self._take()
        quoted = lit.kind == "str"
        return ("cmp", field_name, op, lit.value[1:-1] if quoted else lit.value, quoted)


def _eval(node: Any, item: dict) -> bool:
    kind = node[0]
    if kind == "or":
        return _eval(node[1], item) or _eval(node[2], item)
    if kind == "and":
        return _eval(node[1], item) and _eval(node[2], item)
    if kind == "not":
        return not _eval(node[1], item)
    if kind == "truthy":
        return any(bool(v) for v in lookup(item, node[1]))
    if kind == "contains":
        return any(isinstance(v, str) and node[2] in v for v in lookup(item, node[1]))
    _, field_name, op, literal, quoted = node
    values = lookup(item, field_name)
    if not values:
        # A missing field behaves as null.
        values = [None]
    return any(_compare(op, v, literal, quoted) for v in values)


def apply_filter(items: list[dict], expression: str | None) -> list[dict]:
    if not expression:
        return items
    tree = _Parser(expression).parse()
    return [item for item in items if _eval(tree, item)]


# -- sort -----------------------------------------------------------------------
def apply_sort(items: list[dict], keys: list[str] | None) -> list[dict]:
    """Stable multi-key sort; ``field-`` or ``-field`` sorts descending.

    Items without the field go last in either direction.
    """
    for spec in reversed(keys or []):
        descending = spec.endswith("-") or spec.startswith("-")
        field_name = spec.strip("-")
        present = [i for i in items if lookup(i, field_name)]
        missing = [i for i in items if not lookup(i, field_name)]
        present.sort(key=lambda i, f=field_name: _sort_key(lookup(i, f)[0]), reverse=descending)
        items = present + missing
    return items


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, (int, float)):
        return (0, value)
    return (1, str(value))


# -- pages ------------------------------------------------------------------------
def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_token(token: str) -> int:
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise bad_request("Invalid continuation token.", token) from None
    if not isinstance(offset, int) or offset < 0:
        raise bad_request("Invalid continuation token.", token)
    return offset


def paginate(items: list[dict], query: Query) -> dict[str, Any]:
    """The collection envelope: ``items`` plus paging fields."""
    total = len(items)
    start = query.int("offset") or 0
    token = query.str("continuation_token")
    if token:
        start = decode_token(token)
    limit = query.int("limit")
    if limit is not None and limit < 0:
        raise bad_request("limit must not be negative.")
    end = total if limit is None else min(start + limit, total)
    page = items[start:end]
    more = end < total
    body: dict[str, Any] = {
        "items": page,
        "total_item_count": total,
        "more_items_remaining": more,
    }
    if more:
        body["continuation_token"] = encode_token(end)
    return body
