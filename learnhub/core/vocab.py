"""Shared vocabulary: occupations and the skill-level scale, with translatable labels."""

from functools import lru_cache

from learnhub.core.i18n import lazy_gettext as _l

# Common occupations (工种) of industrial workers; codes are stable, labels translatable.
OCCUPATIONS = [
    ("electrician", _l("Electrician")),
    ("welder", _l("Welder")),
    ("lathe_operator", _l("Lathe operator")),
    ("cnc_operator", _l("CNC machine operator")),
    ("fitter", _l("Fitter")),
    ("mechanical_maintenance", _l("Mechanical maintenance technician")),
    ("electrical_maintenance", _l("Electrical maintenance technician")),
    ("instrument_technician", _l("Instrumentation and control technician")),
    ("chemical_operator", _l("Chemical process operator")),
    ("boiler_operator", _l("Boiler operator")),
    ("crane_operator", _l("Crane operator")),
    ("forklift_driver", _l("Forklift driver")),
    ("assembler", _l("Assembly worker")),
    ("quality_inspector", _l("Quality inspector")),
    ("mold_maker", _l("Tool and mould maker")),
    ("casting_worker", _l("Foundry worker")),
    ("painter", _l("Industrial painter")),
    ("construction_worker", _l("Construction worker")),
    ("rebar_worker", _l("Rebar worker")),
    ("scaffolder", _l("Scaffolder")),
    ("miner", _l("Miner")),
    ("power_line_worker", _l("Power line worker")),
    ("auto_repair", _l("Motor vehicle repair technician")),
    ("rail_worker", _l("Railway track worker")),
    ("textile_worker", _l("Textile worker")),
    ("food_processing", _l("Food processing worker")),
    ("warehouse_worker", _l("Warehouse and logistics worker")),
    ("industrial_robot_operator", _l("Industrial robot operator")),
    ("other", _l("Other occupation")),
]

# The skill-level scale (职业技能等级), from apprentice to chief technician; "none" first.
SKILL_LEVELS = [
    ("none", _l("No skill level yet")),
    ("apprentice", _l("Apprentice")),
    ("level5", _l("Level 5 / Junior worker")),
    ("level4", _l("Level 4 / Intermediate worker")),
    ("level3", _l("Level 3 / Senior worker")),
    ("level2", _l("Level 2 / Technician")),
    ("level1", _l("Level 1 / Senior technician")),
    ("special", _l("Special-grade technician")),
    ("chief", _l("Chief technician")),
]

# What workers and their unions call the same occupations (the national classification's names
# and the everyday ones): search and bulk onboarding understand them all.
OCCUPATION_SYNONYMS = {
    "electrician": ("电工", "维修电工", "低压电工", "高压电工"),
    "welder": ("焊工", "电焊工", "电焊", "气焊工", "焊接工"),
    "lathe_operator": ("车工",),
    "cnc_operator": ("数控车工", "数控铣工", "数控机床操作工", "数控工"),
    "fitter": ("钳工", "装配钳工"),
    "mechanical_maintenance": ("机修钳工", "机修工", "设备维修工"),
    "chemical_operator": ("化工总控工", "化工操作工", "化工工人"),
    "crane_operator": ("起重工", "起重机司机", "行车工", "天车工", "吊车司机"),
    "forklift_driver": ("叉车工", "叉车司机"),
    "industrial_robot_operator": ("工业机器人系统操作员", "工业机器人操作工", "机器人操作员"),
    "food_processing": ("食品加工人员", "食品加工工", "食品工"),
    "warehouse_worker": ("仓管员", "仓库保管员", "物流员", "搬运工"),
}

OCCUPATION_CODES = frozenset(code for code, _label in OCCUPATIONS)
SKILL_LEVEL_CODES = frozenset(code for code, _label in SKILL_LEVELS)
_OCCUPATION_LABELS = dict(OCCUPATIONS)
_SKILL_LEVEL_LABELS = dict(SKILL_LEVELS)


def occupation_label(code):
    """The label of an occupation code, or the code itself if unknown."""
    return _OCCUPATION_LABELS.get(code, code or "")


def skill_level_label(code):
    """The label of a skill-level code, or the code itself if unknown."""
    return _SKILL_LEVEL_LABELS.get(code, code or "")


@lru_cache(maxsize=1024)  # the labels never change while the site runs; looking one up takes a millisecond
def find_occupation(text):
    """The occupation code for a code, a label in any of our languages or a common name, else None."""
    wanted = " ".join(str(text or "").split())
    for code, names in OCCUPATION_SYNONYMS.items():
        if wanted in names:
            return code
    return _find(text, OCCUPATIONS)


@lru_cache(maxsize=256)
def find_skill_level(text):
    """The skill-level code for a code or a label in any of our languages, else None."""
    return _find(text, SKILL_LEVELS)


def _find(text, choices):
    from learnhub.core.i18n import force_locale

    if text is None:
        return None
    wanted = " ".join(str(text).split()).casefold()
    if not wanted:
        return None
    for code, label in choices:
        if wanted == code:
            return code
        for locale in ("zh_CN", "en"):
            with force_locale(locale):
                if wanted == str(label).casefold():
                    return code
    return None
