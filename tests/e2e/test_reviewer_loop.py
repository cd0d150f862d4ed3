"""Issue 15's "done when", the reviewer's loop: a worker applies, the reviewer asks for the
certificate, the worker uploads a photo from the phone (390x844), the reviewer approves, and the
worker's inbox links the credential.
"""

import io

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.test_admin import log_in
from tests.e2e.test_pathway import PATHWAY, worker_who_finished_a_safety_course

QUESTION = "请上传电工证的照片"


def _certificate_photo():
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (240, 235, 220)).save(out, "JPEG")
    return out.getvalue()


def _speaks(server, username, language):
    """The worker reads their inbox in the journey's language (notices are written in it)."""
    from sqlalchemy import update

    from learnhub.accounts.models import User

    with server.app_context() as session:
        session.execute(update(User).where(User.username == username).values(locale=language))
        session.commit()


def test_reviewer_asks_worker_sends_a_photo_and_the_inbox_links_the_credential(start_journey, server, language):
    username = f"loop-{language.lower()}"
    worker_who_finished_a_safety_course(server, username)
    _speaks(server, username, language)

    worker = start_journey("loop-worker")
    page, t = worker.page, worker.t
    log_in(worker, username)
    page.goto("/recognition/")
    pathway = page.locator("li.course").filter(has=page.get_by_role("link", name=PATHWAY, exact=True))
    pathway.get_by_role("link", name=t("You meet it: apply")).click()
    page.get_by_role("button", name=t("Apply for recognition")).click()
    worker.step("applied")
    application_url = page.url

    admin = start_journey("loop-admin", audience="admin")
    apage, at = admin.page, admin.t
    log_in(admin, "demo-admin")
    apage.goto("/recognition/applications/" + application_url.rsplit("/", 1)[1])  # not theirs: 404
    expect(apage.get_by_role("heading", level=1)).not_to_have_text(PATHWAY)
    apage.goto("/recognition/review/" + application_url.rsplit("/", 1)[1])
    review_url = apage.url
    apage.get_by_label(at("Reason or question for the worker")).fill(QUESTION)
    apage.get_by_role("button", name=at("Ask for more information")).click()
    expect(apage.get_by_role("status").first).to_contain_text(at("Your question is sent to the worker."))
    admin.step("asked for the certificate")

    page.goto("/inbox")
    asked = page.locator("li.card").filter(
        has_text=t("Your union asks for more about your application: %(title)s", title=PATHWAY)
    )
    expect(asked).to_contain_text(QUESTION)
    worker.step("inbox: the question")
    asked.get_by_role("button", name=t("Open")).click()
    expect(page.locator("main")).to_contain_text(QUESTION)
    page.get_by_label(t("Your answer")).fill("电工证照片见附件")
    page.get_by_label(t("Photos or PDFs (optional)")).set_input_files(
        {"name": "IMG_20261203.jpg", "mimeType": "image/jpeg", "buffer": _certificate_photo()}
    )
    worker.step("the answer, with a photo")
    page.get_by_role("button", name=t("Send"), exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(t("Sent. Your application waits for the reviewer again."))
    expect(page.get_by_role("link", name="IMG_20261203.jpg")).to_be_visible()
    worker.step("sent")

    apage.goto(review_url)
    expect(apage.locator("main")).to_contain_text("电工证照片见附件")
    photo = apage.get_by_role("link", name="IMG_20261203.jpg")
    expect(photo).to_be_visible()
    photo_url = photo.get_attribute("href")
    assert apage.request.get(photo_url).headers["content-type"] == "image/jpeg"
    admin.step("the answer, with its photo")
    apage.get_by_role("button", name=at("Approve")).click()
    expect(apage.get_by_role("status").first).to_contain_text(
        at("Approved. The recognition is recorded and its credential issued.")
    )
    admin.finish()

    page.goto("/inbox")
    approved = page.locator("li.card").filter(has_text=t("Recognised: %(title)s", title=PATHWAY))
    expect(approved).to_contain_text(t("Your credential is ready: open it to show it or print it."))
    worker.step("inbox: recognised")
    approved.get_by_role("button", name=t("Open")).click()
    page.wait_for_url("**/credentials/**")
    expect(page.locator("main")).to_contain_text(t("Valid"))
    worker.step("the credential")
    worker.finish()
