"""YAML to plain Python values that remember the line of every key and item.

Messages must name the line of the offending key, so front matter and unit
files are composed into ruamel.yaml nodes (which carry their position) and
turned into dicts and lists by hand.  Only the YAML that these files need is
supported: mappings, sequences and scalars; timestamps stay the text written,
because dates are parsed by the checks with their own messages.
"""

from __future__ import annotations

import bisect

from ruamel.yaml.cyaml import CParser
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

_MAX_NODES = 20_000  # an alias bomb must not hang the build
_MAX_DEPTH = 50      # nor may deep nesting or an alias inside itself ("&a [*a]") crash it
_TOO_BIG = "tài liệu quá lớn hoặc lồng nhau quá sâu"


# The parser's complaints (libyaml's or ruamel's own wording), said as a teacher
# can act on them; the first entry with a matching text wins.
_EXPLAINED = (
    (("tab character", "'\t'"), "có ký tự tab: chỉ thụt lề bằng dấu cách"),
    (("mapping values are not allowed",),
     "dấu ':' không đúng chỗ: dòng bị thụt lề sai, hoặc giá trị có ': ' cần đặt trong ngoặc kép"),
    (("unexpected end of stream",), "thiếu dấu ngoặc kép (\") hoặc ngoặc đơn (') đóng giá trị"),
    (("',' or ']'",), "danh sách [...] thiếu dấu ']' đóng hoặc thiếu dấu ',' giữa các mục"),
    (("',' or '}'",), "ngoặc {...} thiếu dấu '}' đóng hoặc thiếu dấu ',' giữa các mục"),
    (("node content",), "thiếu giá trị, hoặc giá trị bắt đầu bằng [, ], {, }: hãy đặt giá trị trong ngoặc kép"),
    (("undefined alias", "alphabetic or numeric character"),
     "giá trị bắt đầu bằng '*' hoặc '&': hãy đặt giá trị trong ngoặc kép"),
    (("cannot start any token",), "giá trị bắt đầu bằng ký tự đặc biệt (@, `, %): hãy đặt giá trị trong ngoặc kép"),
    (("unknown escape character",), "dấu '\\' trong ngoặc kép không hợp lệ: dùng ngoặc đơn (') thay cho ngoặc kép"),
    (("characters are not allowed",), "tệp có ký tự điều khiển không in được: hãy xóa ký tự đó"),
    (("another document", "document start"), "có thêm dòng '---' hoặc '...' ở giữa: hãy xóa dòng đó"),
    (("expected key", "<block end>", "'-' indicator"),
     "các dòng thụt lề không thẳng hàng, hoặc có chữ thừa sau một giá trị"),
    (("could not find expected ':'",), "thiếu dấu ':' sau tên khóa"),
)


def explain(problem: str) -> str:
    """A YAML syntax error in Vietnamese (the parser's words kept when unknown)."""
    for needles, text in _EXPLAINED:
        if any(needle in problem for needle in needles):
            return text
    return f"cú pháp YAML sai ({problem})"


class YamlError(Exception):
    def __init__(self, line: int, detail: str):
        super().__init__(detail)
        self.line = line
        self.detail = detail


class LinedDict(dict):
    """A dict with ``line`` (where it starts) and ``lines`` (key -> line)."""

    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: dict = {}
        self.duplicates: list[tuple[object, int, int]] = []

    def line_of(self, key, default: int | None = None) -> int:
        return self.lines.get(key, self.line if default is None else default)


class LinedList(list):
    line: int = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


class _ResolverTable(dict):
    """ruamel's table of implicit resolvers, first letter -> [(tag, regexp)].  Its
    ``resolve`` extends the list it gets in place, harmless only on the fresh table
    each resolver instance builds; a table shared by all gives out copies."""

    def get(self, key, default=None):
        found = dict.get(self, key)
        return default if found is None else list(found)


class _Yaml12Resolver(VersionedResolver):
    """YAML 1.2 rules, without looking for a %YAML directive at every scalar (a fifth of
    the parse time), and with one table of rules for all parses (ruamel makes a parser,
    and so a table, for each document: half of a front matter's parse time).  Front
    matter and unit files are read as YAML 1.2 whatever they say."""

    _table: _ResolverTable | None = None

    @property
    def processing_version(self):
        return (1, 2)

    @property
    def versioned_resolver(self):
        if _Yaml12Resolver._table is None:
            _Yaml12Resolver._table = _ResolverTable(super().versioned_resolver)
        return _Yaml12Resolver._table


class _Composer(CParser, _Yaml12Resolver):
    """ruamel's C parser, making nodes only (they are turned into values here).  What
    ``YAML(typ="safe").compose`` does, with one class for every document: ruamel makes
    a class per document, ~16 objects of cyclic garbage that piled up between the
    build's rare collections (~40 MB a reading process per 2,000 articles)."""

    def __init__(self, text: str):
        CParser.__init__(self, text)
        self._parser = self._composer = self
        _Yaml12Resolver.__init__(self, loadumper=self)


def _compose(text: str):
    composer = _Composer(text)
    try:
        return composer.get_single_node()
    finally:
        composer.dispose()
        # it refers to itself (as parser, composer, resolver...): freed now, not by the collector
        composer.__dict__.clear()


class _Lines:
    """Line numbers of marks, counting only "\n" as the files' readers do.

    YAML also breaks lines at "\r", U+0085, U+2028 and U+2029 (libyaml, the
    C parser, counts them in ``mark.line``), so a mark's line is taken from
    its character index instead.
    """

    def __init__(self, text: str, first_line: int):
        self.first_line = first_line
        self.breaks = [i for i, c in enumerate(text) if c == "\n"]

    def __call__(self, mark) -> int:
        return bisect.bisect_left(self.breaks, mark.index) + self.first_line


def parse(text: str, first_line: int = 1):
    """Parse ``text``; lines are numbered from ``first_line``.

    Returns plain values (LinedDict / LinedList / str / int / float / bool /
    None).  Raises :class:`YamlError` with the line of a syntax error.
    """
    line_of = _Lines(text, first_line)
    try:
        node = _compose(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = line_of(mark) if mark is not None else first_line
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise YamlError(line, explain(problem)) from None
    except RecursionError:
        raise YamlError(first_line, _TOO_BIG) from None
    except (ValueError, TypeError) as exc:  # odd bytes in ruamel
        raise YamlError(first_line, explain(str(exc))) from None
    if node is None:
        return None
    budget = [_MAX_NODES]
    return _convert(node, line_of, budget, 0)


def _convert(node, line_of: _Lines, budget: list[int], depth: int):
    budget[0] -= 1
    if budget[0] < 0 or depth > _MAX_DEPTH:
        raise YamlError(line_of(node.start_mark), _TOO_BIG)
    if isinstance(node, MappingNode):
        result = LinedDict()
        result.line = line_of(node.start_mark)
        for key_node, value_node in node.value:
            key = _convert(key_node, line_of, budget, depth + 1)
            line = line_of(key_node.start_mark)
            if isinstance(key, (dict, list)):
                raise YamlError(line, "khóa phải là một chữ, không phải danh sách")
            if key in result.lines:
                result.duplicates.append((key, line, result.lines[key]))
                continue
            result[key] = _convert(value_node, line_of, budget, depth + 1)
            result.lines[key] = line
        return result
    if isinstance(node, SequenceNode):
        result = LinedList()
        result.line = line_of(node.start_mark)
        for item in node.value:
            result.append(_convert(item, line_of, budget, depth + 1))
            result.lines.append(line_of(item.start_mark))
        return result
    if isinstance(node, ScalarNode):
        return _scalar(node)
    raise YamlError(line_of(node.start_mark), "giá trị không đọc được")


def _scalar(node: ScalarNode):
    tag = node.tag or ""
    value = node.value
    if node.style:  # quoted or block scalars are always text
        return value
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return value.lower() == "true"
    if tag.endswith(":int"):
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag.endswith(":float"):
        try:
            return float(value)
        except ValueError:
            return value
    return value
