"""Every table the statistics pages show, built once for the page and for CSV and XLSX."""

from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.text import mask_phone
from learnhub.stats.charts import percent
from learnhub.stats.report import CREDITS, HOURS, PERCENT, TEXT, VALUE, Column, Table, export_value

FIGURE_COLUMNS = [
    ("workers", Column(_l("Workers"))),
    ("active_7", Column(_l("Active learners, 7 days"))),
    ("active_30", Column(_l("Active learners, 30 days"))),
    ("enrolments", Column(_l("Enrolments"))),
    ("completions", Column(_l("Completions"))),
    ("completion_rate", Column(_l("Completion rate (%)"), PERCENT)),
    ("credits", Column(_l("Credits earned"), CREDITS)),
    ("hours", Column(_l("Hours earned"), HOURS)),
]
LEARNING_ONLY = ("enrolments", "completions", "completion_rate", "credits", "hours")


def _figure_columns(names=None):
    return [column for name, column in FIGURE_COLUMNS if names is None or name in names]


def _figure_values(figures, names=None):
    return [getattr(figures, name) for name, _column in FIGURE_COLUMNS if names is None or name in names]


def summary_table(dash):
    """The headline figures as a two-column table (figure, value); hours in hours."""
    table = Table("summary", _l("Figures"), [Column(_l("Figure"), TEXT), Column(_l("Value"), VALUE)])
    for name, column in FIGURE_COLUMNS:
        value = getattr(dash.total, name)
        table.rows.append([column.label, export_value(column, value) if column.kind == HOURS else value])
    table.rows.append([_l("Recognitions approved"), dash.recognitions])
    return table


def children_table(dash, link):
    """One row per child union with the subtree's figures; `link(org)` gives its drill-down URL."""
    table = Table("child-unions", _l("Unions below"), [Column(_l("Union"), TEXT)] + _figure_columns())
    for child, figures in dash.children:
        name = child.name if child is not None else _("Directly in %(union)s", union=dash.org.name)
        table.rows.append([name] + _figure_values(figures))
        table.links.append(link(child) if child is not None else None)
    return table


def categories_table(categories):
    """Learning by category, with each category's share of the hours learned."""
    total = sum(figures.minutes for _c, _l, figures in categories)
    table = Table(
        "categories",
        _l("By category"),
        [Column(_l("Category"), TEXT)] + _figure_columns(LEARNING_ONLY) + [Column(_l("Share of hours (%)"), PERCENT)],
    )
    for _code, label, figures in categories:
        table.rows.append([label] + _figure_values(figures, LEARNING_ONLY) + [percent(figures.minutes, total)])
    return table


def trend_table(trend):
    table = Table("trend", _l("By month"), [Column(_l("Month"), TEXT)] + _figure_columns(LEARNING_ONLY))
    for month, figures in trend:
        table.rows.append([f"{month:%Y-%m}"] + _figure_values(figures, LEARNING_ONLY))
    return table


def courses_table(rows, link=None):
    table = Table(
        "courses",
        _l("By course"),
        [Column(_l("Course"), TEXT), Column(_l("Category"), TEXT)] + _figure_columns(LEARNING_ONLY),
    )
    for course, figures in rows:
        table.rows.append([course.title, course.category_label] + _figure_values(figures, LEARNING_ONLY))
        table.links.append(link(course) if link else None)
    return table


PEOPLE_COLUMNS = ("workers", "active_30", "enrolments", "completions")


def people_table(name, title, first, rows):
    """By occupation or by skill level: workers, how many learn, what they enrolled in and finished."""
    table = Table(
        name,
        title,
        [Column(first, TEXT)] + _figure_columns(PEOPLE_COLUMNS) + [Column(_l("Share active, 30 days (%)"), PERCENT)],
    )
    for _code, label, figures in rows:
        table.rows.append(
            [label] + _figure_values(figures, PEOPLE_COLUMNS) + [percent(figures.active_30, figures.workers)]
        )
    return table


def required_table(org, requirement, rows, link):
    """Per child union: workers, how many finished the required course, how many not yet."""
    table = Table(
        "required",
        requirement.course.title,
        [
            Column(_l("Union"), TEXT),
            Column(_l("Workers")),
            Column(_l("Finished")),
            Column(_l("Not yet")),
            Column(_l("Finished (%)"), PERCENT),
        ],
    )
    for child, workers, finished in rows:
        name = child.name if child is not None else _("Directly in %(union)s", union=org.name)
        table.rows.append([name, workers, finished, workers - finished, percent(finished, workers)])
        table.links.append(link(child) if child is not None and child.id != org.id else None)
    return table


def missing_table(requirement, rows):
    """The workers who have not finished a required course; phone numbers masked."""
    table = Table(
        "not-finished",
        _l("Not finished: %(course)s", course=requirement.course.title),
        [
            Column(_l("Name"), TEXT),
            Column(_l("Phone"), TEXT),
            Column(_l("Union"), TEXT),
            Column(_l("Occupation"), TEXT),
            Column(_l("Status"), TEXT),
        ],
    )
    for user, union_name, has_started in rows:
        table.rows.append(
            [
                user.name,
                mask_phone(user.phone),
                union_name,
                user.occupation_label,
                _l("Started") if has_started else _l("Not started"),
            ]
        )
    return table


def roster_table(rows):
    """The workforce roster: who, where, what trade and level, and how they learn."""
    table = Table(
        "workforce",
        _l("Workforce roster"),
        [
            Column(_l("Name"), TEXT),
            Column(_l("Phone"), TEXT),
            Column(_l("Union"), TEXT),
            Column(_l("Occupation"), TEXT),
            Column(_l("Skill level"), TEXT),
            Column(_l("Courses enrolled")),
            Column(_l("Courses completed")),
            Column(_l("Credits"), CREDITS),
            Column(_l("Hours"), HOURS),
            Column(_l("Last learned"), TEXT),
        ],
    )
    for user, union_name, learning in rows:
        table.rows.append(
            [
                user.name,
                mask_phone(user.phone),
                union_name,
                user.occupation_label,
                user.skill_level_label,
                learning["enrolled"],
                learning["completed"],
                learning["credits"],
                learning["hours"],
                learning["last_day"].isoformat() if learning["last_day"] else None,
            ]
        )
    return table
