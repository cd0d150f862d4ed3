"""The demo's pathways: plausible, invented, and built on the shipped courses under courses/.

Loaded by `flask demo load`; safe to run again (each pathway is found by its code). A pathway
whose courses are not in the catalogue yet is skipped, and loads on a later run.
"""

from learnhub.core.errors import DomainError
from learnhub.recognition.pathways import load_pathway

NATIONAL = "九州工会联合会"
JIANGNAN = "江南省总工会"

# Each pathway can be met with the courses shipped under courses/ (tests/recognition/test_demo_pathways.py
# finishes them), and academic credit asks for at least 16 学时 of learning a credit: at least as many
# ledger credits as it grants (the hours rule pays a credit for no less than 720 minutes). Every
# institution here is invented.
# (code, keeping union, fields of pathways.parse_rule)
PATHWAYS = [
    (
        "demo-electrical-automation-credit",
        JIANGNAN,
        dict(
            title="电工课程学分存入学分银行：高职电气自动化技术专业",
            summary="学完“电工安全作业基础”（中文或英文版均可）和“电工（中级）”，并在近三年面向电工或各工种通用的"
            "安全生产、职业技能类课程中累计0.15学分（学完约四门课），可申请由滨江职业技术学院（演示）认定为"
            "电气自动化技术专业（高职）《电工技术》课程的0.1学分，存入学分银行，入学后按学院规定办理学分转换。"
            "按每16学时（每学时45分钟）折算1学分；该专业共120学分，通过认定转入的学分最多60学分。",
            target_kind="academic",
            institution="滨江职业技术学院（演示）",
            programme="电气自动化技术专业（高职）",
            course_name="电工技术",
            target_credits="0.1",
            required_courses="electrical-safety | electrical-safety-en\nelectrician-intermediate",
            min_credits="0.15",
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
            title="数控车床课程学分存入学分银行：高职数控技术专业",
            summary="学完“数控车床入门”，并在近三年面向数控、车工或各工种通用的职业技能和安全生产类课程中累计"
            "0.12学分（学完约三门课），可申请由云湖职业技术学院（演示）认定为数控技术专业（高职）"
            "《数控车削编程与操作》课程的0.1学分，存入学分银行。按每16学时（每学时45分钟）折算1学分。",
            target_kind="academic",
            institution="云湖职业技术学院（演示）",
            programme="数控技术专业（高职）",
            course_name="数控车削编程与操作",
            target_credits="0.1",
            required_courses="cnc-lathe-basics",
            min_credits="0.12",
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
            title="电工四级/中级工申报用培训学时证明",
            summary="近五年内学完“电工安全作业基础”（中文或英文版均可）和“电工（中级）”，并在电工和各工种通用的"
            "安全生产、职业技能类课程中累计学习满3学时（每学时45分钟，经认定的先前学习成果也计入），可取得一份培训学时证明，"
            "申报电工四级/中级工职业技能等级认定时作为培训记录提交。它证明你在这里学过的时间；评价机构要求的"
            "申报条件和培训学时，以其报名公告为准。",
            target_kind="skill_level",
            institution="江南省职业技能等级认定指导中心（演示）",
            occupation="electrician",
            level="level4",
            target_hours="3",
            required_courses="electrical-safety | electrical-safety-en\nelectrician-intermediate",
            min_hours="3",
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
            title="安全生产在线学习证明",
            summary="近一年内学完“安全生产通识”（中文或英文版均可）和一门工种安全课程（电工、焊接、危险化学品、叉车与起重任选一门），"
            "可申请安全生产在线学习证明（非学历）。它证明你在本平台学过这些课程，不是法定的安全培训合格证明："
            "新上岗从业人员的岗前安全培训不少于24学时，由用人单位组织；特种作业人员、特种设备作业人员还要另行"
            "考取操作证。",
            target_kind="certificate",
            institution="职工安全教育中心（演示）",
            programme="安全生产在线学习证明",
            required_courses="work-safety-basics | work-safety-basics-en\n"
            "electrical-safety | electrical-safety-en | welding-safety-quality | hazardous-chemicals"
            " | forklift-and-lifting-safety",
            within_years="1",
        ),
    ),
    (
        "demo-workers-ethics-credit",
        NATIONAL,
        dict(
            title="职工素养课程学分存入学分银行：开放大学选修课",
            summary="学完“理想信念与新时代产业工人”，以及“劳模精神与劳动精神”“工匠精神与职业素养”中的一门，并在近三年的思想政治"
            "与职业素养、劳动权益类课程中累计0.1学分（学完约三门课），可申请由华夏开放大学（演示）认定为行政管理"
            "专业（专科）选修课《劳模精神与工匠精神》的0.1学分，存入学分银行。思想政治理论必修课的学分不在此转换。"
            "按每16学时（每学时45分钟）折算1学分；转入学分最多为该专业76学分的一半。",
            target_kind="academic",
            institution="华夏开放大学（演示）",
            programme="行政管理专业（专科）",
            course_name="劳模精神与工匠精神（选修）",
            target_credits="0.1",
            required_courses="ideals-and-industrial-workers\nmodel-worker-spirit | craftsmanship-ethics",
            min_credits="0.1",
            categories=["ideology", "labour_rights"],
            within_years="3",
            cap="38",
        ),
    ),
    (
        "demo-digital-skills-certificate",
        NATIONAL,
        dict(
            title="职工数字技能学习证明",
            summary="学完“用手机办好身边事”，可申请职工数字技能学习证明（非学历），证明你学过识别诈骗、"
            "保护密码和验证码、使用政务服务和移动支付的安全常识。",
            target_kind="certificate",
            institution="职工数字素养培训中心（演示）",
            programme="职工数字技能学习证明",
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
