"""The API of the yearly government-integrity evaluation (NT-GOV-4.1): issued by the evaluating body or the credit
office; staff reproduce it at its log position."""

from __future__ import annotations

from typing import Any

from domain.evaluation import RULE
from web.api.commands import PROFILES, RECORDERS, _d
from web.api.queries import STAFF
from web.api.serialize import plain
from domain.circular import content_hash
from projections.evaluation import evaluation_contents
from web.api.errors import ApiError
from web.api.spec import ENUM, ID_RESPONSE, INTEGER, MOMENT, STRING, UUID_, Endpoint, Field
from web.evaluations import produce_evaluation, reproduce_evaluation, year_of
from web.context import services
from web.principal import current_principal

PROFILE = Field("profile_id", ENUM, RULE, choices=PROFILES)
EVALUATOR = Field("evaluator_id", UUID_, RULE, description="the superior government body evaluating")


def issue(args: dict[str, Any]) -> dict[str, str]:
    """Compute the year's facts at the last log position and issue the signed evaluation."""
    svc = services()
    evaluation_id = produce_evaluation(svc.ledger, svc.engine, svc.credit, current_principal().actor(),
                                       profile_id=args["profile_id"], evaluator_id=args["evaluator_id"],
                                       year=year_of(args["year"]), issued_on=args["issued_on"])
    return {"id": str(evaluation_id)}


def reproduce(args: dict[str, Any]) -> dict[str, Any]:
    """The issued evaluation with its facts recomputed at its log position (`matches`)."""
    svc = services()
    answer = reproduce_evaluation(svc.ledger, svc.engine, svc.credit, args["profile_id"], args["evaluator_id"],
                                  year_of(args["year"]))
    return plain(answer)  # type: ignore[no-any-return]


def as_of(args: dict[str, Any]) -> dict[str, Any]:
    """The facts of a year as the ledger showed them at a past log position or moment; nothing is issued."""
    if "as_of" in args and "position" in args:
        raise ApiError(422, "give as_of or position, not both", "position", RULE)
    svc = services()
    svc.credit.subject(args["evaluator_id"])  # 404 for an unknown body
    position, contents = evaluation_contents(svc.ledger, svc.engine, args["profile_id"], args["evaluator_id"],
                                             year_of(args["year"]), args.get("position"), args.get("as_of"))
    return plain({"log_position": position, "contents": contents, "content_hash": content_hash(contents)})


REPRODUCTION = {"type": "object", "required": ["id", "year", "log_position", "content_hash", "recomputed_hash",
                                               "matches", "contents"],
                "properties": {"matches": {"type": "boolean"}, "log_position": {"type": "integer"},
                               "year": {"type": "integer"}, "contents": {"type": "object"}}}
EVALUATIONS: tuple[Endpoint, ...] = (
    Endpoint("issue_evaluation", "POST", "/evaluations", "Issue the yearly government-integrity evaluation of a "
             "body's subordinate bodies: facts at one log position, no score (NT-GOV-4.1)", RECORDERS, issue,
             "reporting", body=(PROFILE, EVALUATOR, Field("year", INTEGER, RULE), _d("issued_on", RULE)),
             response=ID_RESPONSE),
    Endpoint("reproduce_evaluation", "GET", "/evaluations/{profile_id}/{evaluator_id}/{year}", "An issued "
             "evaluation, recomputed at its log position and compared (NT-GOV-4.1)", STAFF, reproduce, "reporting",
             path_fields=(PROFILE, EVALUATOR, Field("year", STRING, RULE, description="YYYY", max_length=4)),
             response=REPRODUCTION),
    Endpoint("evaluation_as_of", "GET", "/evaluations/{profile_id}/{evaluator_id}/{year}/as-of", "The facts of "
             "a year's evaluation as the ledger showed them at a log position or moment; nothing issued "
             "(NT-GOV-4.1)", STAFF, as_of, "reporting",
             path_fields=(PROFILE, EVALUATOR, Field("year", STRING, RULE, description="YYYY", max_length=4)),
             query=(Field("as_of", MOMENT, RULE, False, "transaction time (default: now)"),
                    Field("position", INTEGER, RULE, False, "transaction time as a log position")),
             response={"type": "object", "required": ["log_position", "contents", "content_hash"],
                       "properties": {"log_position": {"type": "integer"}, "contents": {"type": "object"},
                                      "content_hash": {"type": "string"}}}),
)
