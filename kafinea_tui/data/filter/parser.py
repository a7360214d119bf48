"""The filter language of DESIGN.md: tokenizer and parser into a small syntax tree.

The parser knows nothing of SQL or types; `filter_sql` compiles its tree. Keeping the two apart
means every error about the *shape* of an expression (an unterminated string, a missing
parenthesis, a stray token) is found here with its position, before any value is looked at.

Grammar (keywords are case-insensitive)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | "(" expr ")" | comparison
    comparison := field ( OP value | "in" "(" value ("," value)* ")" | "is" ["not"] "empty" )
    OP         := = | != | <> | < | <= | > | >= | ~ | !~ | ^
    value      := "double quoted" | 'single quoted' | bare-word

`and`/`or` chains are read in a loop into one node with all their operands, so a chain of any
length parses and compiles without recursion; parentheses and `not` recurse, and nesting deeper
than MAX_DEPTH is an error at the position where it goes too deep (never a RecursionError).

Field references are a field name (`mailing_city`), a label in backticks (`` `Mailing City` ``),
or a label written bare with spaces (`Mailing City = "Paris"`): the parser takes the longest run
of words that names a field, so labels containing keywords (`Qty In Stock`, `Do Not Call`) work.
Inside quotes, `\\"`, `\\'` and `\\\\` escape the quote and the backslash.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kafinea_tui.data.errors import FilterError

MAX_DEPTH = 100  # nested parentheses and `not`s; far past what a person writes
KEYWORDS = frozenset({"and", "or", "not", "in", "is", "empty"})
OPERATORS = ("!=", "<>", "<=", ">=", "!~", "=", "<", ">", "~", "^")
# A bare word runs until whitespace, a quote, a parenthesis, a comma or an operator character.
_BARE = re.compile(r"[^\s()\[\],=!<>~^\"'`]+")


@dataclass(frozen=True)
class Token:
    kind: str  # word | string | name | op | ( | ) | , | end
    text: str
    position: int

    @property
    def keyword(self) -> str | None:
        lowered = self.text.lower()
        return lowered if self.kind == "word" and lowered in KEYWORDS else None


@dataclass(frozen=True)
class Value:
    text: str
    position: int
    quoted: bool


@dataclass(frozen=True)
class Comparison:
    field: str
    position: int
    op: str  # an OPERATORS entry (<> normalised to !=), 'in', 'empty' or 'not empty'
    op_position: int
    values: tuple[Value, ...] = ()


@dataclass(frozen=True)
class BoolOp:
    op: str  # 'and' | 'or'
    operands: tuple[Node, ...]  # two or more, in the order written


@dataclass(frozen=True)
class Not:
    operand: Node


Node = Comparison | BoolOp | Not


def tokenize(expression: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(expression)
    while i < n:
        c = expression[i]
        if c.isspace():
            i += 1
        elif c in "\"'":
            start = i
            text, i = _quoted(expression, i)
            tokens.append(Token("string", text, start))
        elif c == "`":
            end = expression.find("`", i + 1)
            if end < 0:
                raise FilterError("unterminated `name`", expression, i)
            tokens.append(Token("name", expression[i + 1 : end], i))
            i = end + 1
        elif c in "(),":
            tokens.append(Token(c, c, i))
            i += 1
        else:
            op = next((o for o in OPERATORS if expression.startswith(o, i)), None)
            if op is not None:
                tokens.append(Token("op", "!=" if op == "<>" else op, i))
                i += len(op)
                continue
            match = _BARE.match(expression, i)
            if match is None:
                raise FilterError(f"unexpected character {c!r}", expression, i)
            tokens.append(Token("word", match.group(), i))
            i = match.end()
    tokens.append(Token("end", "", n))
    return tokens


def _quoted(expression: str, start: int) -> tuple[str, int]:
    """The unescaped text of the quoted string at `start`, and the index after its closing quote."""
    quote = expression[start]
    out: list[str] = []
    i = start + 1
    while i < len(expression):
        c = expression[i]
        if c == "\\" and i + 1 < len(expression):
            out.append(expression[i + 1])
            i += 2
        elif c == quote:
            return "".join(out), i + 1
        else:
            out.append(c)
            i += 1
    raise FilterError("unterminated string: a closing quote is missing", expression, start)


class Parser:
    """Recursive descent over the tokens; `is_field` says whether a name or label is a field."""

    def __init__(self, expression: str, is_field: Callable[[str], bool]) -> None:
        self.expression = expression
        self.tokens = tokenize(expression)
        self.i = 0
        self.depth = 0
        self.is_field = is_field

    def error(self, message: str, token: Token | None = None) -> FilterError:
        token = token or self.peek()
        return FilterError(message, self.expression, token.position)

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return token

    def parse(self) -> Node | None:
        if self.peek().kind == "end":
            return None
        node = self.or_expr()
        token = self.peek()
        if token.kind != "end":
            what = "')' without '('" if token.kind == ")" else f"{token.text!r}"
            raise self.error(f"unexpected {what}; expected 'and', 'or' or the end", token)
        return node

    def or_expr(self) -> Node:
        return self._chain("or", self.and_expr)

    def and_expr(self) -> Node:
        return self._chain("and", self.not_expr)

    def _chain(self, keyword: str, operand: Callable[[], Node]) -> Node:
        nodes = [operand()]
        while self.peek().keyword == keyword:
            self.take()
            nodes.append(operand())
        return nodes[0] if len(nodes) == 1 else BoolOp(keyword, tuple(nodes))

    def not_expr(self) -> Node:
        token = self.peek()
        if token.keyword != "not" and token.kind != "(":
            return self.comparison()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"nested more than {MAX_DEPTH} levels deep", token)
        self.take()
        if token.keyword == "not":
            node: Node = Not(self.not_expr())
        else:
            node = self.or_expr()
            if self.peek().kind != ")":
                raise self.error("expected ')' to close the '(' here", token)
            self.take()
        self.depth -= 1
        return node

    def comparison(self) -> Comparison:
        field, position = self.field_ref()
        token = self.take()
        if token.kind == "op":
            return Comparison(field, position, token.text, token.position, (self.value(),))
        if token.keyword == "in":
            return Comparison(field, position, "in", token.position, self.value_list())
        if token.keyword == "is":
            negated = self.peek().keyword == "not"
            if negated:
                self.take()
            if self.peek().keyword != "empty":
                raise self.error("expected 'empty' after 'is'" + (" not" if negated else ""))
            self.take()
            return Comparison(field, position, "not empty" if negated else "empty", token.position)
        raise self.error(
            "expected an operator (=, !=, <, <=, >, >=, ~, !~, ^, in, is empty)", token
        )

    def field_ref(self) -> tuple[str, int]:
        token = self.peek()
        if token.kind == "name":
            self.take()
            if not self.is_field(token.text):
                raise self.error(f"unknown field {token.text!r}", token)
            return token.text, token.position
        if token.kind != "word" or token.keyword in ("and", "or", "in", "is"):
            what = "the end" if token.kind == "end" else repr(token.text)
            raise self.error(f"expected a field name, found {what}", token)
        words: list[Token] = []
        while self.peek(len(words)).kind == "word":
            words.append(self.peek(len(words)))
        for k in range(len(words), 0, -1):
            name = self.expression[
                words[0].position : words[k - 1].position + len(words[k - 1].text)
            ]
            if self.is_field(name):
                self.i += k
                return name, token.position
        shown = [words[0]]
        for word in words[1:]:
            if word.keyword:
                break
            shown.append(word)
        name = " ".join(w.text for w in shown)
        raise self.error(f"unknown field {name!r}", token)

    def value(self) -> Value:
        token = self.take()
        if token.kind == "string":
            return Value(token.text, token.position, quoted=True)
        if token.kind == "word" and token.keyword is None:
            return Value(token.text, token.position, quoted=False)
        what = "the end" if token.kind == "end" else repr(token.text)
        raise self.error(f"expected a value, found {what}", token)

    def value_list(self) -> tuple[Value, ...]:
        if self.peek().kind != "(":
            raise self.error("expected '(' after 'in'")
        self.take()
        values = [self.value()]
        while self.peek().kind == ",":
            self.take()
            values.append(self.value())
        if self.peek().kind != ")":
            raise self.error("expected ',' or ')' in the list of values")
        self.take()
        return tuple(values)


def parse(expression: str, is_field: Callable[[str], bool]) -> Node | None:
    """The syntax tree of an expression, None for an empty one; FilterError with a position."""
    return Parser(expression, is_field).parse()
