"""What the ledger tells the features above it. Handlers run in the same transaction."""

from blinker import Namespace

_signals = Namespace()

# sender: the LedgerEntry reversed; kwargs: reversal (the correcting entry), user_id (its owner).
entry_reversed = _signals.signal("entry-reversed")
