"""The quiz paper drawn for an attempt, answered: for the load generator and bench/pages.py."""

import re

_CHOICE = re.compile(r'type="(?:radio|checkbox)" name="q(\d+)" value="(\d+)"')
_TYPED = re.compile(r'<input type="text"[^>]*name="q(\d+)"')


def paper_answers(page, rng):
    """[(field, value)] answering every question of the quiz paper in `page`: a choice at random,
    a number where one is typed (right or wrong, the server grades it all the same)."""
    choices = {}
    for qid, choice in _CHOICE.findall(page):
        choices.setdefault(qid, []).append(choice)
    return [(f"q{q}", rng.choice(c)) for q, c in choices.items()] + [(f"q{q}", "1") for q in _TYPED.findall(page)]
