"""The demo's pathways: plausible, invented, and built on the shipped courses under courses/.

Loaded by `flask demo load`; safe to run again (each pathway is found by its code). A pathway
whose courses are not in the catalogue yet is skipped, and loads on a later run.
"""

from learnhub.core.errors import DomainError
from learnhub.recognition.pathways import load_pathway

NATIONAL = "全国总工会（演示）"
JIANGNAN = "江南省总工会"

# (code, keeping union, fields of pathways.parse_rule); every institution here is invented.
PATHWAYS = [
    (
        "demo-electrical-automation-credit",
        JIANGNAN,
        dict(
            title="电工安全课程转为高职电气自动化技术专业学分",
            summary="完成“电工安全作业基础”（中文或英文版均可），并在近三年面向电工或各工种通用的安全生产和"
            "职业技能类课程中累计 3 学分，可申请将学分转入滨江职业技术学院（演示）电气自动化技术专业，"
            "认定《电工安全技术》课程 2 学分。该专业共 120 学分，通过认定转入的学分最多 60 学分。",
            target_kind="academic",
            institution="滨江职业技术学院（演示）",
            programme="电气自动化技术专业（高职）",
            course_name="电工安全技术",
            target_credits="2",
            required_courses="electrical-safety | electrical-safety-en",
            min_credits="3",
            categories=["safety", "vocational"],
            occupations=["electrician", "electrical_maintenance"],
            within_years="3",
            cap="60",
        ),
    ),
    (
        "demo-cnc-credit",
        JIANGNAN,
        dict(
            title="数控车床课程转为高职数控技术专业学分",
            summary="完成“数控车床入门”，并在近三年面向数控、车工或各工种通用的职业技能和安全生产类课程中"
            "累计 3 学分，"
            "可申请认定云湖职业技术学院（演示）数控技术专业《数控车削编程与操作》课程 1.5 学分。",
            target_kind="academic",
            institution="云湖职业技术学院（演示）",
            programme="数控技术专业（高职）",
            course_name="数控车削编程与操作",
            target_credits="1.5",
            required_courses="cnc-lathe-basics",
            min_credits="3",
            categories=["vocational", "safety"],
            # Courses for machining trades and for every trade: an electrician's courses do not count.
            occupations=["cnc_operator", "lathe_operator"],
            within_years="3",
            cap="55",
        ),
    ),
    (
        "demo-electrician-level4-hours",
        JIANGNAN,
        dict(
            title="电工四级/中级工申报培训学时证明",
            summary="近五年内参加电工职业技能和安全培训累计 60 学时，可作为申报电工四级/中级工"
            "职业技能等级认定的培训学时证明。经认定的先前学习成果（如企业培训证书）也计入。",
            target_kind="skill_level",
            institution="江南省职业技能等级认定指导中心（演示）",
            occupation="electrician",
            level="level4",
            target_hours="60",
            min_hours="60",
            categories=["safety", "vocational"],
            occupations=["electrician"],
            within_years="5",
            counts_prior_learning=True,
        ),
    ),
    (
        "demo-safety-training-certificate",
        NATIONAL,
        dict(
            title="安全生产培训合格证明",
            summary="近一年内完成任意一门安全生产类课程（电工、焊接或危险化学品），"
            "可申请安全生产培训合格证明（非学历）。",
            target_kind="certificate",
            institution="职工安全教育中心（演示）",
            programme="安全生产培训合格证明",
            target_hours="2.5",
            required_courses="electrical-safety | electrical-safety-en | welding-safety-quality | hazardous-chemicals",
            within_years="1",
        ),
    ),
    (
        "demo-workers-ethics-credit",
        NATIONAL,
        dict(
            title="职工素养课程转为开放大学学分",
            summary="完成劳动法、劳模精神、工匠精神三门课程，可申请认定华夏开放大学（演示）"
            "行政管理专业（专科）《思想道德与法治》课程 3 学分。转入学分最多为该专业 76 学分的一半。",
            target_kind="academic",
            institution="华夏开放大学（演示）",
            programme="行政管理专业（专科）",
            course_name="思想道德与法治",
            target_credits="3",
            required_courses="labour-law-basics\nmodel-worker-spirit\ncraftsmanship-ethics",
            min_credits="5",
            categories=["ideology", "labour_rights"],
            within_years="3",
            cap="38",
        ),
    ),
    (
        "demo-digital-skills-certificate",
        NATIONAL,
        dict(
            title="职工数字技能培训证明",
            summary="完成“用手机办好身边事”，可申请职工数字技能培训证明（非学历）。",
            target_kind="certificate",
            institution="职工数字素养培训中心（演示）",
            programme="职工数字技能培训证明",
            target_hours="2",
            required_courses="smartphone-public-services",
            within_years="2",
        ),
    ),
]


def load_demo_pathways(orgs):
    """Create the demo pathways that are missing; `orgs` maps the demo union names to Orgs.

    Returns how many were created. Nothing is committed here: the command commits.
    """
    created = 0
    for code, union, fields in PATHWAYS:
        org = orgs.get(union)
        if org is None:
            continue
        try:
            created += load_pathway(code, org, **fields) is not None
        except DomainError:
            continue  # its courses are not imported yet
    return created
