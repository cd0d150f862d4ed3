"""What accounts asks of the features above it. Handlers run in the same transaction."""

from blinker import Namespace

_signals = Namespace()

# sender: the User. Each receiver returns (section name, JSON-ready data) of what its feature
# holds about that person, for "download my data".
personal_data_requested = _signals.signal("personal-data-requested")

# sender: the User, about to be anonymised. Receivers remove or anonymise what their feature
# holds that identifies the person, keeping the ledger and statistics consistent.
account_erasing = _signals.signal("account-erasing")

# sender: the SmsCode just made. Keyword arguments: code (the digits, never stored), minutes it is
# valid, locale of the person or None. notify sends it by SMS at once.
sms_code_requested = _signals.signal("sms-code-requested")

# sender: a User opened in bulk. Keyword argument: path, the one-time link (on this site) to
# choose their password. notify sends it by SMS to their phone.
activation_link_ready = _signals.signal("activation-link-ready")
