"""The run's summary: every step's page, its axe findings and its weight, as JSON and as text."""

import json

from tests.e2e.journey import BLOCKING_IMPACTS, BUDGET_BYTES


def _axe_cell(violations):
    blocking = sum(1 for v in violations if v["impact"] in BLOCKING_IMPACTS)
    other = [f"{v['id']}({v['impact']})" for v in violations if v["impact"] not in BLOCKING_IMPACTS]
    text = "ok" if not violations else f"{blocking} serious/critical"
    return text + (f"; also {', '.join(other)}" if other else "")


def summary_text(kind, journeys):
    lines = [
        (
            f"Browser journeys on {kind}: bytes are a first visit (empty cache), page and assets; "
            f"worker budget {BUDGET_BYTES:,} bytes."
        )
    ]
    heaviest = None
    for journey in journeys:
        js = "" if journey["javascript"] else ", JavaScript off"
        lines.append(f"{journey['journey']} ({journey['audience']}{js})")
        weights = {p["number"]: p["bytes"] for p in journey["pages"]}
        cached = {p["number"] for p in journey["pages"] if p.get("via_service_worker")}
        for step in journey["steps"]:
            weight = f"{weights.get(step['page']) or 0:>7,} B" if step["page"] not in cached else "from SW  "
            lines.append(
                f"  {step['number']:02d} {step['label'][:34]:<34} {(step['path'] or '')[:42]:<42} "
                f"{weight}  axe: {_axe_cell(step['axe'])}"
            )
        lines.extend(f"  note: {note}" for note in journey.get("notes", []))
        if journey["audience"] == "worker":
            for page in journey["pages"]:
                if page.get("via_service_worker"):
                    continue
                if heaviest is None or page["bytes"] > heaviest[1]:
                    heaviest = (page["path"], page["bytes"])
    steps = sum(len(j["steps"]) for j in journeys)
    blocking = sum(1 for j in journeys for s in j["steps"] for v in s["axe"] if v["impact"] in BLOCKING_IMPACTS)
    lines.append(
        f"{len(journeys)} journeys, {steps} pages checked by axe, {blocking} serious or critical "
        f"violations" + (f"; heaviest worker page {heaviest[0]} at {heaviest[1]:,} bytes" if heaviest else "")
    )
    return "\n".join(lines)


def write_summary(folder, journeys):
    """Write summary.json and summary.txt into `folder`; return the text."""
    kind = folder.name
    journeys = sorted(journeys, key=lambda j: j["journey"])
    (folder / "summary.json").write_text(
        json.dumps(
            {"database": kind, "budget_bytes": BUDGET_BYTES, "journeys": journeys}, ensure_ascii=False, indent=2
        ),
        encoding="utf-8",
    )
    text = summary_text(kind, journeys)
    (folder / "summary.txt").write_text(text + "\n", encoding="utf-8")
    return text + f"\n(screenshots and summary in {folder})"
