"""What contests tell the features above them. Handlers run in the same transaction."""

from blinker import Namespace

_signals = Namespace()

# sender: the Contest; kwargs: user, entry (the ContestEntry, scored), paper ([(question, choices)]).
# Sent once, when a paper handed in on time is scored.
paper_scored = _signals.signal("paper-scored")
