"""What accounts asks of the features above it. Handlers run in the same transaction."""

from blinker import Namespace

_signals = Namespace()

# sender: the User. Each receiver returns (section name, JSON-ready data) of what its feature
# holds about that person, for "download my data".
personal_data_requested = _signals.signal("personal-data-requested")

# sender: the User, about to be anonymised. Receivers remove or anonymise what their feature
# holds that identifies the person, keeping the ledger and statistics consistent.
account_erasing = _signals.signal("account-erasing")
