"""The pages of the credit bank: one blueprint, a module per screen, and the table of their addresses."""

from flask import Blueprint

from learnhub.recognition.views import manage_pathways, public, review, worker

bp = Blueprint("recognition", "learnhub.recognition", template_folder="templates")

ROUTES = [
    # address, view, methods
    # A worker's pathways, applications, prior learning and transcript
    ("/recognition/", worker.index, "GET"),
    ("/recognition/pathways/<int:pathway_id>", worker.pathway, "GET"),
    ("/recognition/pathways/<int:pathway_id>/apply", worker.apply, "POST"),
    ("/recognition/applications/<int:application_id>", worker.application, "GET"),
    ("/recognition/applications/<int:application_id>/respond", worker.respond, "POST"),
    ("/recognition/applications/<int:application_id>/withdraw", worker.withdraw, "POST"),
    ("/recognition/applications/<int:application_id>/files/<int:file_id>", worker.application_file, "GET"),
    ("/recognition/prior/new", worker.prior_new, "GET POST"),
    ("/recognition/prior/<int:claim_id>", worker.prior_claim, "GET"),
    ("/recognition/prior/<int:claim_id>/certificate", worker.prior_certificate, "GET"),
    ("/recognition/transcript", worker.transcript, "GET"),
    ("/recognition/credentials/<cid>/certificate.pdf", worker.credential_certificate, "GET"),
    ("/recognition/credentials/<cid>/share.png", worker.credential_picture, "GET"),
    # The union's reviewers
    ("/recognition/review/", review.review_queue, "GET"),
    ("/recognition/review/<int:application_id>", review.review_application, "GET"),
    ("/recognition/review/<int:application_id>", review.decide, "POST"),
    ("/recognition/review/prior/<int:claim_id>", review.review_prior, "GET"),
    ("/recognition/review/prior/<int:claim_id>/grant", review.grant_prior, "POST"),
    ("/recognition/review/prior/<int:claim_id>/reject", review.reject_prior, "POST"),
    ("/people/<int:user_id>/credentials", review.person_credentials, "GET"),
    # The keepers of pathways
    ("/recognition/pathways/", manage_pathways.manage_pathways, "GET"),
    ("/recognition/pathways/new", manage_pathways.new_pathway, "GET POST"),
    ("/recognition/pathways/<int:pathway_id>/edit", manage_pathways.edit_pathway, "GET POST"),
    ("/recognition/pathways/<int:pathway_id>/active", manage_pathways.pathway_active, "POST"),
    # What strangers may open
    ("/credentials/<cid>", public.credential, "GET"),
    ("/credentials/<cid>.json", public.credential_json, "GET"),
    ("/credentials/<cid>.jwt", public.credential_jwt, "GET"),
    ("/credentials/<cid>/status", public.credential_status, "GET"),
    ("/credentials/<cid>/revoke", public.revoke, "POST"),
    ("/credentials/verify", public.verify, "GET POST"),
    ("/credentials/status/<int:number>", public.status_list_jwt, "GET"),
    ("/.well-known/jwks.json", public.jwks_json, "GET"),
    ("/.well-known/did.json", public.did_json, "GET"),
]
for rule, view, methods in ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=methods.split())
# did:web puts the document of a site served under a path (https://host/learnhub) at path/did.json.
bp.add_url_rule("/did.json", "did_json_at_path", public.did_json)
bp.after_request(public.open_to_other_sites)
