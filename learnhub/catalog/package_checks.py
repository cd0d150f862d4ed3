"""Checks for course-package files: YAML that knows its line numbers, and typed field readers.

Each reader reports a problem as a PackageError at the line of the key that holds it, and
carries on, so that one run lists every mistake in a package.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from difflib import get_close_matches
from urllib.parse import urlsplit

import yaml

REQUIRED = object()
INVALID = object()  # what load_yaml returns after a syntax error
_DECIMAL = re.compile(r"^(\d{1,6})(?:\.(\d+))?$")


@dataclass(frozen=True)
class PackageError:
    """One thing wrong in a package: a path relative to the imported folder, a line, a message."""

    path: str
    line: int | None
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


class _Map(dict):
    """A YAML mapping that remembers its own line and the line of each key."""


class _Seq(list):
    """A YAML sequence that remembers the line of each item."""


class _Loader(yaml.SafeLoader):
    """A SafeLoader whose mappings and sequences carry line numbers and refuse duplicate keys."""


def _construct_map(loader, node):
    data = _Map()
    data.line, data.key_lines = node.start_mark.line + 1, {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key in data:
            # PyYAML would silently keep the last of two equal keys: a typo that must not pass.
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"the key '{key}' appears twice" if key in data else "a key must be plain text",
                key_node.start_mark,
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1
    return data


def _construct_seq(loader, node):
    data = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    return data


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load_yaml(checker, text):
    """The YAML document in `text`, or INVALID after reporting the syntax error and its line."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (_Loader is a SafeLoader)
    except yaml.MarkedYAMLError as error:
        # "while scanning ..." marks where the broken token starts: the line a person must fix.
        scanning = (error.context or "").startswith("while scanning") and error.context_mark
        mark = error.context_mark if scanning else (error.problem_mark or error.context_mark)
        context = f" ({error.context})" if error.context else ""
        checker.error(mark.line + 1 if mark else None, f"invalid YAML: {error.problem}{context}")
    except yaml.YAMLError as error:
        checker.error(None, f"invalid YAML: {error}")
    return INVALID


class Checker:
    """Records the errors of one file; `offset` is the number of lines before its YAML starts."""

    def __init__(self, errors, path, offset=0):
        self.errors, self.path, self.offset = errors, path, offset

    def error(self, line, message):
        """Record a problem at this line of the YAML (None: the file as a whole)."""
        self.errors.append(PackageError(self.path, line + self.offset if line else None, message))

    def check_keys(self, data, allowed, where):
        """Report every key not allowed here, suggesting the nearest allowed one."""
        for key in data:
            if key not in allowed:
                near = get_close_matches(str(key), allowed, 1)
                hint = f"did you mean '{near[0]}'?" if near else "allowed: " + ", ".join(allowed)
                self.error(data.key_lines[key], f"unknown key '{key}' in {where}; {hint}")

    def _value(self, data, key, default):
        if data.get(key) is not None:
            return data[key], data.key_lines[key]
        if default is REQUIRED:
            missing = f"'{key}' has no value" if key in data else f"'{key}' is missing"
            self.error(data.key_lines.get(key, data.line), missing)
            return None, None
        return default, None

    def text(self, data, key, default=REQUIRED, max_len=None, one_line=False):
        """A non-empty string; titles have their whitespace collapsed to one line."""
        value, line = self._value(data, key, default)
        if line is None:
            return value
        if not isinstance(value, str):
            self.error(line, f"'{key}' must be text, not {value!r}; put it in quotes")
            return None
        value = " ".join(value.split()) if one_line else value.strip()
        if not value:
            self.error(line, f"'{key}' is empty")
        elif max_len and len(value) > max_len:
            self.error(line, f"'{key}' has {len(value)} characters; at most {max_len} are allowed")
        return value or None

    def choice(self, data, key, options, default=REQUIRED, hint=None):
        """One of `options`."""
        value, line = self._value(data, key, default)
        if line is None or (isinstance(value, str) and value in options):
            return value
        near = get_close_matches(str(value), list(options), 1)
        self.error(
            line,
            f"'{key}' must be {hint or 'one of: ' + ', '.join(options)}, not {value!r}"
            + (f"; did you mean '{near[0]}'?" if near else ""),
        )
        return None

    def integer(self, data, key, low, high, default=REQUIRED):
        """A whole number from low to high (booleans and 15.0 are not)."""
        value, line = self._value(data, key, default)
        if line is None:
            return value
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(line, f"'{key}' must be a whole number from {low} to {high}, not {value!r}")
            return None
        return value

    def decimal(self, data, key, default=REQUIRED):
        """A Decimal from 0 to 999999.99 with two places at most; YAML floats are read via str."""
        value, line = self._value(data, key, default)
        if line is None:
            return value
        is_number = isinstance(value, (int, float, str)) and not isinstance(value, bool)
        text = str(value).strip() if is_number else ""
        match = _DECIMAL.match(text)
        if text.startswith("-"):
            problem = "must not be negative"
        elif match and len(match.group(2) or "") > 2:
            problem = "may have at most two decimal places"
        elif not match:
            problem = "must be a decimal number from 0 to 999999.99, such as 1.5"
        else:
            return Decimal(text).quantize(Decimal("0.01"))
        self.error(line, f"'{key}' {problem}, not {value!r}")
        return None

    def boolean(self, data, key, default):
        """true or false."""
        value, line = self._value(data, key, default)
        if line is None or isinstance(value, bool):
            return value
        self.error(line, f"'{key}' must be true or false, not {value!r}")
        return None

    def tags(self, data, key):
        """A list of search words, joined with '|' in the database."""
        value, line = self._value(data, key, [])
        if line is None:
            return value
        if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() and "|" not in t for t in value):
            self.error(
                line,
                f"'{key}' must be a list of words such as [用电安全, 触电急救]; "
                "put numbers in quotes and leave out '|'",
            )
            return None
        tags = list(dict.fromkeys(" ".join(tag.split()) for tag in value))
        if len("|".join(tags)) > 400:
            self.error(line, f"'{key}' are too long: at most 400 characters together")
        return tags

    def video(self, data, key, media):
        """An https:// address or a file under the package's media/ folder."""
        value = self.text(data, key)
        line = data.key_lines.get(key)
        if value is None:
            return None
        if value.startswith("https://"):
            if not urlsplit(value).netloc or len(value) > 255 or any(ch.isspace() for ch in value):
                self.error(line, f"'{key}' is not a usable https:// address (at most 255 characters)")
        elif value.startswith("media/"):
            if value not in media:
                self.error(line, f"'{key}': '{value}' is not a file in the package's media/ folder")
        else:
            self.error(line, f"'{key}' must be an https:// address or a file under media/, not '{value}'")
        return value
