"""Charts drawn on the server as inline SVG: nothing for the browser to download or run.

Each chart is a picture of a table that the page shows beside it, so screen readers and
print read the numbers; the SVG itself carries only a title. Colours come from app.css.
"""

import itertools
from decimal import Decimal

from markupsafe import Markup, escape

_ids = itertools.count(1)


def _nice_max(value):
    """A round number at or above `value` for the top of an axis: 1, 2, 5 times a power of ten."""
    value = float(value or 0)
    if value <= 0:
        return 1
    power = 1
    while power * 10 <= value:
        power *= 10
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _number(value):
    value = float(value or 0)
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:,.1f}"


def _text_width(text, size=12):
    """About how wide `text` is drawn at `size` px: CJK characters are square, Latin narrower."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in text)


def fit(text, width, size=12):
    """`text` shortened with an ellipsis to fit `width` px (the full text stays in the title)."""
    text = str(text)
    if _text_width(text, size) <= width:
        return text
    while text and _text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _open(width, height, title):
    chart_id = f"chart-{next(_ids)}"
    return [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]


def column_chart(title, labels, series, height=220):
    """Grouped columns: `labels` along the bottom, `series` = [(name, values)] side by side."""
    left, bottom, top, width = 48, 44, 12, 640
    plot_w, plot_h = width - left - 8, height - bottom - top
    top_value = _nice_max(max((v for _n, values in series for v in values), default=0))
    parts = _open(width, height + 24, title)
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_number(top_value * fraction)}</text>"
        )
    slot = plot_w / max(len(labels), 1)
    bar_w = max(min(slot * 0.8 / max(len(series), 1), 28), 2)
    for i, label in enumerate(labels):
        x0 = left + slot * i + (slot - bar_w * len(series)) / 2
        for s, (name, values) in enumerate(series):
            value = float(values[i] or 0)
            h = plot_h * value / top_value
            parts.append(
                f'<rect class="s{s + 1}" x="{x0 + s * bar_w:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{bar_w - 1:.1f}" height="{h:.1f}"><title>{escape(name)} {escape(str(label).replace(chr(10), " "))}: '
                f"{_number(value)}</title></rect>"
            )
        if len(labels) <= 12 or i % 2 == 0:
            middle = left + slot * i + slot / 2
            # A label may be "2026-01": the month on the first line, the year under it.
            first, _sep, second = str(label).partition("\n")
            parts.append(
                f'<text class="axis" x="{middle:.1f}" y="{top + plot_h + 16}" '
                f'text-anchor="middle">{escape(first)}</text>'
            )
            if second:
                parts.append(
                    f'<text class="axis" x="{middle:.1f}" y="{top + plot_h + 30}" '
                    f'text-anchor="middle">{escape(second)}</text>'
                )
    x = left
    for s, (name, _values) in enumerate(series):
        parts.append(f'<rect class="s{s + 1}" x="{x}" y="{height + 6}" width="12" height="12"/>')
        parts.append(f'<text class="axis" x="{x + 16}" y="{height + 16}">{escape(name)}</text>')
        x += 24 + 14 * len(str(name))
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(title, items, unit=""):
    """Horizontal bars, one per (label, value); `unit` follows each value ('%' for shares)."""
    row_h, label_w, width = 26, 230, 640
    height = row_h * max(len(items), 1) + 8
    top_value = 100 if unit == "%" else _nice_max(max((float(v or 0) for _l, v in items), default=0))
    parts = _open(width, height, title)
    bar_space = width - label_w - 70
    for i, (label, value) in enumerate(items):
        y = 4 + i * row_h
        w = bar_space * float(value or 0) / top_value
        text = str(label)
        short = fit(text, label_w - 12)
        parts.append(f'<text class="axis" x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(short)}</text>')
        parts.append(
            f'<rect class="s1" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}">'
            f"<title>{escape(text)}: {_number(value)}{escape(unit)}</title></rect>"
        )
        shown = "—" if value is None else f"{_number(value)}{unit}"
        parts.append(f'<text class="axis" x="{label_w + w + 6:.1f}" y="{y + 16}">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def percent(part, whole):
    """part / whole in percent with one decimal, or None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
