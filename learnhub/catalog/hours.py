"""The hours rule: what a module may declare for the time it takes, and what that time may pay.

One rule for the whole deployment, from config:

- one 学时 is MINUTES_PER_XUESHI minutes (45), one 学分 is XUESHI_PER_CREDIT 学时 (16): a
  credit stands for 720 minutes of learning;
- what a module's content takes: a lesson, its text read at READING_CHARS_PER_MINUTE (300)
  Chinese characters a minute; a video, its length when known (otherwise the author's word);
  a quiz, one minute a question. A started minute counts as a whole one;
- a module may declare at most one and a half times what its content takes (rounded down to
  whole minutes), and at most the credits its minutes earn;
- credits earned by minutes are minutes / (MINUTES_PER_XUESHI x XUESHI_PER_CREDIT) rounded
  *down* to 0.01: never more than the time earned, and the modules' caps never add up to
  more than their course's (a sum of values rounded down is at most the sum rounded down);
- a course may declare at most the minutes of its modules, and the credits those earn.

How text is counted (`reading_units`): each Han character counts one; each Latin word or
number (letters and digits, with any inner ' - . joining them: "don't", "T-shirt", "3.5") counts
two, i.e. 150 English words a minute, a plain pace for a worker reading technical words;
punctuation, spaces, Markdown marks and the addresses of links and pictures count nothing.
"""

import math
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from flask import current_app, has_app_context

from learnhub.core.hours import DEFAULT_MINUTES_PER_XUESHI

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['’.\-][A-Za-z0-9\u00c0-\u024f]+)*")
# ![alt](media/x.png "title") and [text](https://...): the address is not read.
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
LATIN_WORD_UNITS = 2
MAX_MINUTES = 600  # a module or a quiz beyond this is refused whatever it holds
COURSE_MAX_MINUTES = 6000  # a course of more than 100 clock hours is a programme of several courses
CENT = Decimal("0.01")


@dataclass(frozen=True)
class HoursRule:
    """The deployment's rule (see the module's docstring); defaults are the shipped config's."""

    minutes_per_xueshi: int = DEFAULT_MINUTES_PER_XUESHI  # core.hours: what every page shows
    xueshi_per_credit: int = 16
    reading_chars_per_minute: int = 300
    is_checked: bool = True  # off only in tests about something else (config.TestConfig)

    @classmethod
    def from_config(cls, config):
        return cls(
            minutes_per_xueshi=int(config.get("MINUTES_PER_XUESHI", DEFAULT_MINUTES_PER_XUESHI)),
            xueshi_per_credit=int(config.get("XUESHI_PER_CREDIT", 16)),
            reading_chars_per_minute=int(config.get("READING_CHARS_PER_MINUTE", 300)),
            is_checked=bool(config.get("HOURS_RULE_CHECKED", True)),
        )

    @property
    def minutes_per_credit(self):
        return self.minutes_per_xueshi * self.xueshi_per_credit

    def max_credits(self, minutes):
        """The most credits `minutes` of learning may pay: rounded down to 0.01."""
        return (Decimal(int(minutes or 0)) / self.minutes_per_credit).quantize(CENT, rounding=ROUND_DOWN)

    def xueshi_to_minutes(self, xueshi):
        """学时 (a Decimal with two places) as whole minutes, half a minute up."""
        return int((Decimal(xueshi) * self.minutes_per_xueshi).to_integral_value(rounding=ROUND_HALF_UP))

    def minutes_to_xueshi(self, minutes):
        """Whole minutes as 学时 with two places; back through xueshi_to_minutes exactly."""
        return (Decimal(int(minutes or 0)) / self.minutes_per_xueshi).quantize(CENT, rounding=ROUND_HALF_UP)

    def reading_minutes(self, text):
        """Minutes to read a lesson's source text, a started minute counted whole (0 for no text)."""
        return math.ceil(reading_units(text) / self.reading_chars_per_minute)

    def content_minutes(self, kind, body="", questions=0, video_seconds=None):
        """What a module's content takes, in whole minutes; None when nobody can tell (a video of unknown length)."""
        if kind == "quiz":
            return int(questions)
        if kind == "video":
            return None if video_seconds is None else math.ceil(video_seconds / 60)
        return self.reading_minutes(body)

    def max_minutes(self, content):
        """The most minutes a module whose content takes `content` minutes may declare."""
        return MAX_MINUTES if content is None else min(MAX_MINUTES, content * 3 // 2)


def current_rule():
    """The rule of the app in hand (the defaults outside one)."""
    return HoursRule.from_config(current_app.config) if has_app_context() else HoursRule()


def reading_units(text):
    """The characters a reader reads in `text`: Han characters one each, Latin words two each."""
    text = _LINK_TARGET.sub("]", str(text or ""))
    return len(_HAN.findall(text)) + LATIN_WORD_UNITS * len(_LATIN_WORD.findall(text))


def module_problem(rule, kind, minutes, credits, body="", questions=0, video_seconds=None):
    """What breaks the rule in a module's declared minutes or credits: (field, message kind, values) or None.

    The caller words the message (a package error in English, a translated studio refusal).
    """
    if not rule.is_checked:
        return None
    content = rule.content_minutes(kind, body, questions, video_seconds)
    most = rule.max_minutes(content)
    if minutes is not None and minutes > most:
        return "minutes", dict(minutes=minutes, content=content, most=most)
    if minutes is not None and credits is not None and credits > rule.max_credits(minutes):
        return "credits", dict(credits=credits, minutes=minutes, most=rule.max_credits(minutes))
    return None
