"""What recognition tells the features above it. Handlers run in the same transaction."""

from blinker import Namespace

_signals = Namespace()

# sender: the Application approved or the PriorLearning claim granted; kwargs: user (the worker),
# entry (the ledger entry that records it), credential (the Credential issued, or None), title.
# Sent once, by the decision that moved it from open to approved.
recognition_granted = _signals.signal("recognition-granted")
