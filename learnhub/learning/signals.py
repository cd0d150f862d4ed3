"""What learning tells the features above it. Handlers run in the same transaction."""

from blinker import Namespace

_signals = Namespace()

# sender: the Course; kwargs: user, enrolment. Sent once, when the enrolment is first made.
enrolled = _signals.signal("enrolled")
# sender: the Module; kwargs: user, course, progress. Sent once, when the person first opens it
# (its progress row is made: the player's first heartbeat or post, or an offline sync).
module_opened = _signals.signal("module-opened")
# sender: the Module (a video); kwargs: user, course, progress, ranges (the [[start, end], ...]
# seconds newly played by this report, not counted before). Sent when a report plays something new.
video_played = _signals.signal("video-played")
# sender: the Module (a quiz); kwargs: user, course, revision, attempt, paper ([(question, choices)]).
# Sent for each scored attempt, passed or not, before a pass finishes the module.
quiz_submitted = _signals.signal("quiz-submitted")
# sender: the Module; kwargs: user, enrolment, revision, entry (the ledger entry that paid it)
module_completed = _signals.signal("module-completed")
# sender: the Course; kwargs: user, enrolment, entry (the ledger entry that paid it)
course_completed = _signals.signal("course-completed")
