"""What contests tell the features above it. Handlers run in the same transaction."""

from blinker import Namespace

_signals = Namespace()

# sender: the Contest whose results were just published; kwargs: ranked, [(rank, ContestEntry)]
# of the papers handed in on time, best first (recognition issues the winners' credentials).
results_published = _signals.signal("contest-results-published")
