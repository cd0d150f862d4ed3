"""The API for union systems (OAuth 2.0 client credentials): roster, requirements, statistics, completions.

A client sees and changes exactly what an admin of its union sees and changes on the pages: the
people of that union's subtree, the requirements that apply to it, its dashboard's figures.
"""

from flask import g
from flask_smorest import Blueprint

from learnhub.api import reads, schemas, unions
from learnhub.api.auth import authenticate, rate_key, rate_limit, require, require_client
from learnhub.api.problems import register_domain_errors
from learnhub.extensions import db, limiter

union = Blueprint(
    "api_union", __name__, url_prefix="/api/v1/union", description="For union systems (OAuth 2.0 client credentials)"
)
union.before_request(authenticate)
union.before_request(require_client)
register_domain_errors(union)
limiter.limit(rate_limit, key_func=rate_key)(union)


def _security(scope):
    return [{"union_client": [scope]}]


@union.get("/roster")
@union.etag
@union.arguments(schemas.RosterArgs, location="query")
@union.response(200, schemas.WorkerPage)
@union.alt_response(404, response="NOT_FOUND")
@union.doc(security=_security("roster"))
@require("roster")
def roster(args):
    """The people of the client's union and every union below it, by LearnHub id, with your external ids."""
    return reads.roster_page(g.api_client, args)


@union.put("/roster/<external_id>")
@union.arguments(schemas.WorkerIn)
@union.response(200, schemas.WorkerUpserted)
@union.alt_response(201, schema=schemas.WorkerUpserted, description="Opened a new account")
@union.alt_response(404, response="NOT_FOUND")
@union.doc(security=_security("roster"))
@require("roster")
def upsert_worker(data, external_id):
    """Open or update the worker your system knows by this id; the same call again changes nothing.

    A new worker needs a mobile number; they choose their own password at first login.
    """
    user, created = unions.upsert_worker(
        g.api_client,
        external_id,
        name=data["name"],
        phone=data.get("phone"),
        union_id=data["union"],
        occupation=data["occupation"],
        skill_level=data["skill_level"],
    )
    db.session.commit()
    return dict(reads.worker_row(user, external_id), created=created), 201 if created else 200


@union.get("/requirements")
@union.etag
@union.response(200, schemas.RequirementList)
@union.doc(security=_security("stats"))
@require("stats")
def requirements():
    """The required courses that apply to the client's union, and how many of its workers finished each."""
    return reads.requirements(g.api_client)


@union.get("/statistics")
@union.etag
@union.arguments(schemas.PeriodArgs, location="query")
@union.response(200, schemas.StatisticsOut)
@union.doc(security=_security("stats"))
@require("stats")
def statistics(args):
    """The dashboard's figures of the client's union over a period: total, each union below, each category."""
    return reads.statistics(g.api_client, args)


@union.get("/completions")
@union.etag
@union.arguments(schemas.PageArgs, location="query")
@union.response(200, schemas.CompletionFeed)
@union.doc(security=_security("completions"))
@require("completions")
def completions(args):
    """Courses completed in the client's subtree, oldest first; keep `next_cursor` and ask again for what came since.

    A completion appears here a minute after it is recorded, so that the cursor never passes one
    recorded at the same moment by a transaction not yet committed.
    """
    return reads.completions_feed(g.api_client, args)
