"""Studio, end to end: the demo trainer builds a course for their province with a lesson showing
an uploaded picture, a video and a quiz, and publishes it (no credits, its own union: no review);
the demo worker takes it on a phone; the trainer then sees that worker's progress among the
course's learners. On a phone that keeps courses for offline, the worker downloads the course with
its phone-sized video and watches it, seeking, with no network.
"""

import io
import re

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.journey import DESKTOP, PHONE
from tests.e2e.test_admin import log_in
from tests.e2e.test_offline import offline
from tests.e2e.test_trainer import add_module

TITLES = {"zh_CN": "高处作业安全带的正确使用", "en": "Safety harnesses for work at height"}
LESSON = {"zh_CN": "第一课：安全带的结构", "en": "Lesson 1: parts of a harness"}
VIDEO = {"zh_CN": "示范：穿戴安全带", "en": "Demonstration: putting the harness on"}
QUESTION = "安全带的挂钩应该挂在哪里？"
RIGHT, WRONG = "高于腰部的牢固构件上", "脚下的栏杆上"
WORKER = "李明辉"
# A four-second clip filmed in the browser itself (a canvas recorded by MediaRecorder: WebM), so
# that the worker really plays it: a video counts only once played (VIDEO_PLAYED_SHARE).
FILM = """async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 160; canvas.height = 90;
  const g = canvas.getContext("2d");
  const recorder = new MediaRecorder(canvas.captureStream(10), {mimeType: "video/webm"});
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  let frame = 0;
  const timer = setInterval(() => {
    g.fillStyle = frame % 2 ? "#b22" : "#fc3"; g.fillRect(0, 0, 160, 90); frame += 1;
  }, 100);
  const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
  recorder.start(500);
  await new Promise((resolve) => setTimeout(resolve, 4000));
  recorder.stop();
  await stopped;
  clearInterval(timer);
  return Array.from(new Uint8Array(await new Blob(chunks).arrayBuffer()));
}"""


# Seeking as a person does it: press play (nothing of a video loads before: preload="none"), pause,
# drag to 2 s; the browser then asks for a byte range in the middle of the file.
SEEK = """v => new Promise((done, failed) => {
  setTimeout(() => failed(new Error("no seek in 20 s, ready state " + v.readyState)), 20000);
  v.addEventListener("error", () => failed(new Error("video error " + (v.error && v.error.code))));
  v.muted = true;
  v.play().then(() => {
    v.pause();
    v.addEventListener("seeked", () => done(v.currentTime), {once: true});
    v.currentTime = 2;
  }, failed);
})"""


def _png():
    out = io.BytesIO()
    Image.new("RGB", (320, 160), (230, 120, 20)).save(out, "PNG")
    return out.getvalue()


def test_trainer_builds_worker_takes_trainer_sees_progress(start_journey, language, tmp_path):
    title = TITLES[language]
    picture, video = tmp_path / "安全带.png", tmp_path / "harness.webm"
    picture.write_bytes(_png())

    trainer = start_journey("studio-done-trainer", audience="trainer", viewport=DESKTOP)
    video.write_bytes(bytes(trainer.page.evaluate(FILM)))
    build_and_publish(trainer, title, picture, video)

    worker = start_journey("studio-done-worker", audience="worker", viewport=PHONE)
    take_the_course(worker, title)

    see_progress(trainer, title)
    worker.finish()
    trainer.finish()

    phone = start_journey("studio-done-offline-video", audience="worker", viewport=PHONE, service_workers=True)
    watch_offline(phone, title)
    phone.finish()


def build_and_publish(journey, title, picture, video):
    """Create the course, upload a picture and a video, add lesson, video and quiz, publish."""
    page, t, language = journey.page, journey.t, journey.language
    log_in(journey, "demo-trainer")
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Studio"), exact=True).click()
    page.get_by_role("link", name=t("New course")).click()
    page.get_by_label(t("Title")).fill(title)
    page.get_by_label(t("Summary")).fill(f"{title}.")
    page.get_by_label(t("Category"), exact=True).select_option(label=t("Work safety"))
    # For the trainer's own provincial federation and paying no credits (a few minutes of
    # content earn none under the hours rule): it goes live without review (审核).
    page.get_by_label(t("Who may take it")).select_option(
        label=t("Members of %(union)s and the unions below it", union="江南省总工会")
    )
    page.get_by_role("button", name=t("Create the course")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    journey.step("draft course")

    tabs = page.get_by_role("navigation", name=t("Course"))
    tabs.get_by_role("link", name=t("Media")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Media"))
    for upload in (picture, video):
        page.get_by_label(t("File")).set_input_files(str(upload))
        page.get_by_role("button", name=t("Upload")).click()
        expect(page.get_by_role("status").first).to_contain_text(upload.name)
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(2)
    # The table tells the trainer how to use the picture in a lesson: ![…](media/<name>).
    image_code = rows.filter(has_text=picture.name).locator("code").inner_text()
    image_path = image_code[image_code.index("(") + 1 : -1]
    assert image_path.startswith("media/") and image_path.endswith(".png")
    journey.step("media uploaded")
    # The video gets a smaller copy for phones in the background (the server's task worker runs
    # ffmpeg); the page says how it goes, and shows it ready once the job is done.
    wait_for_phone_version(journey, rows.filter(has_text=video.name))
    journey.step("video ready for phones")

    tabs.get_by_role("link", name=t("Modules")).click()
    add_module(journey, t("Lesson"), LESSON[language])
    page.get_by_label(t("Text (Markdown)")).fill(
        f"## 安全带\n\n![安全带的挂点]({image_path})\n\n挂钩要**高挂低用**。\n"
    )
    page.get_by_role("button", name=t("Preview")).click()
    expect(page.locator("section.preview img")).to_have_count(1)
    journey.step("lesson with a picture previewed")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(t("Saved in the draft."))
    page.get_by_role("link", name=t("Back to the course")).click()

    add_module(journey, t("Video"), VIDEO[language])
    page.get_by_label(t("Video"), exact=True).select_option(label=video.name)
    page.get_by_label(t("Minutes")).fill("1")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(t("Saved in the draft."))
    journey.step("video module")
    page.get_by_role("link", name=t("Back to the course")).click()

    add_module(journey, t("Quiz"), t("Quiz"))
    page.get_by_role("link", name=t("Add a question")).click()
    page.get_by_label(t("Question"), exact=True).fill(QUESTION)
    page.get_by_label(t("Choice %(n)d", n=1), exact=True).fill(RIGHT)
    page.get_by_label(t("Choice %(n)d", n=2), exact=True).fill(WRONG)
    page.get_by_role("checkbox", name=f"{t('Right answer')} · {t('Choice %(n)d', n=1)}").check()
    page.get_by_label(t("Explanation")).fill("挂钩挂高，坠落时下落的距离短。")
    page.get_by_role("button", name=t("Save the question")).click()
    expect(page.locator("ol.results")).to_contain_text(QUESTION)
    page.get_by_role("link", name=t("Back to the course")).click()

    expect(page.get_by_text(t("Before you can publish:"))).to_have_count(0)
    page.get_by_role("button", name=t("Publish"), exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(
        t("Published (version %(number)d). Learners see it now and keep their progress.", number=1)
    )
    journey.step("published")


def wait_for_phone_version(journey, row, seconds=120):
    """Reload the media page until the video's phone version is ready (it never fails here)."""
    page, t = journey.page, journey.t
    state = row.locator("[data-state]")
    for _ in range(seconds):
        if state.get_attribute("data-state") == "ready":
            break
        assert state.get_attribute("data-state") in ("waiting", "transcoding"), state.inner_text()
        page.wait_for_timeout(1000)
        page.reload()
    expect(state).to_have_text(t("Ready"))
    expect(row.get_by_role("link", name=t("Poster"))).to_be_visible()


def take_the_course(journey, title):
    """On a phone: find the course, start it, see the picture, finish lesson and video, pass."""
    page, t, language = journey.page, journey.t, journey.language
    log_in(journey, "demo-worker")
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Courses")).click()
    page.get_by_label(t("Search courses")).fill(title)
    page.get_by_role("button", name=t("Search")).click()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    journey.step("course")

    page.get_by_role("button", name=t("Start this course")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LESSON[language])
    image = page.locator(".lesson img")
    expect(image).to_have_count(1)
    expect(image).to_be_visible()
    # The picture has loaded, from this site (no third-party host), at its real size.
    loaded = image.evaluate(
        "img => img.complete && img.naturalWidth > 0 && new URL(img.currentSrc).origin === location.origin"
    )
    assert loaded, image.get_attribute("src")
    journey.step("lesson with its picture")

    journey.finish_module()
    expect(page.get_by_role("heading", level=1)).to_have_text(VIDEO[language])
    expect(page.locator("video")).to_have_count(1)
    # The phone version plays by default, under its poster, with the original one link away.
    expect(page.locator("video")).to_have_attribute("src", re.compile(r"\.480p\.mp4$"))
    expect(page.locator("video")).to_have_attribute("poster", re.compile(r"\.poster\.jpg$"))
    expect(page.locator("[data-quality=phone] a")).to_be_visible()
    journey.step("video")
    # Not played: it does not count yet, and the page says so.
    page.get_by_role("button", name=t("I have finished this module")).click()
    expect(page.get_by_role("alert")).to_contain_text(
        journey.nt(
            "This video counts once you have watched most of it: about %(num)d more minute to go.",
            "This video counts once you have watched most of it: about %(num)d more minutes to go.",
            1,
        )
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(VIDEO[language])
    journey.step("video not played: not yet")
    # Seeking works in the phone version: the browser asks for a byte range in the middle.
    video = page.locator("video")
    sought = video.evaluate(SEEK)
    assert 1.5 <= sought <= 2.5
    video.evaluate("v => { v.currentTime = 0; }")
    # Played to the end: the player reports the ranges played as it ends, and now it counts.
    with page.expect_response(lambda response: response.url.endswith("/position") and response.status == 204):
        video.evaluate("v => { v.muted = true; return v.play(); }")
        video.evaluate("v => new Promise((ended) => v.ended ? ended() : v.addEventListener('ended', ended))")
    page.get_by_role("button", name=t("I have finished this module")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Quiz"))
    journey.step("quiz")

    group = page.locator("fieldset").filter(has=page.locator("legend", has_text=QUESTION))
    group.get_by_label(RIGHT, exact=True).check()
    page.get_by_role("button", name=t("Submit answers")).click()
    expect(page.get_by_role("status")).to_have_text(t("You scored %(score)d%% and passed.", score=100))
    journey.step("quiz passed")


def watch_offline(journey, title):
    """Download the course with its phone-sized video, lose the network, watch the video, seeking."""
    page, t = journey.page, journey.t
    log_in(journey, "demo-worker")
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Courses")).click()
    page.get_by_label(t("Search courses")).fill(title)
    page.get_by_role("button", name=t("Search")).click()
    page.get_by_role("link", name=title).click()
    video_url = page.get_by_role("link", name=VIDEO[journey.language]).get_attribute("href")
    panel = page.get_by_role("region", name=t("Learn offline"))
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    panel.get_by_role("button", name=t("Download for offline")).click()
    expect(panel.get_by_role("button", name=t("Remove download"))).to_be_visible()
    assert asked and asked[0].startswith(
        t("Also download the phone-sized videos (%(size)s)?", size="{}").split("{}")[0]
    )
    journey.step("course and its video downloaded")

    with offline(journey):
        assert page.goto(video_url).from_service_worker
        expect(page.get_by_role("heading", level=1)).to_have_text(VIDEO[journey.language])
        video = page.locator("video")
        expect(video).to_have_attribute("src", re.compile(r"\.480p\.mp4$"))
        # The browser asks for byte ranges; the service worker cuts them from the downloaded file.
        sought = video.evaluate(SEEK)
        assert 1.5 <= sought <= 2.5
        played = video.evaluate(
            """v => { v.muted = true; return v.play().then(() => new Promise((done, failed) => {
              setTimeout(() => failed(new Error("not playing after 20 s, at " + v.currentTime)), 20000);
              v.addEventListener("timeupdate", function moved() {
                if (v.currentTime > 2.6) { v.removeEventListener("timeupdate", moved); done(v.currentTime); }
              });
            })); }"""
        )
        assert played > 2.6
        journey.step("video watched offline, seeking")


def see_progress(journey, title):
    """Back at the desk: the course's learners page shows the worker with all modules done."""
    page, t = journey.page, journey.t
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Studio"), exact=True).click()
    page.get_by_role("link", name=title).click()
    page.get_by_role("navigation", name=t("Course")).get_by_role("link", name=t("Learners")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Learners"))
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=WORKER, exact=True))
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(3)).to_have_text("3 / 3")
    expect(row.get_by_role("cell").nth(4)).to_contain_text("100%")  # and over how many quizzes
    journey.step("learners with the worker's progress")
