"""What contests tell the features above it. Handlers run in the same transaction."""

from blinker import Namespace

_signals = Namespace()

# sender: the Contest whose results were just published; kwargs: ranked, [(rank, ContestEntry)]
# of the papers handed in on time, best first (recognition issues the winners' credentials).
results_published = _signals.signal("contest-results-published")

# sender: the Contest; kwargs: user, entry (the ContestEntry, scored), paper ([(question, choices)]).
# Sent once, when a paper handed in on time is scored.
paper_scored = _signals.signal("paper-scored")
