"""What learning tells the features above it. Handlers run in the same transaction."""

from blinker import Namespace

_signals = Namespace()

# sender: the Course; kwargs: user, enrolment. Sent once, when the enrolment is first made.
enrolled = _signals.signal("enrolled")
# sender: the Module; kwargs: user, enrolment, revision, entry (the ledger entry that paid it)
module_completed = _signals.signal("module-completed")
# sender: the Course; kwargs: user, enrolment, entry (the ledger entry that paid it)
course_completed = _signals.signal("course-completed")
