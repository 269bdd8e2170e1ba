"""The length and range limits of O2S's fields, in one place (docs/engine.md, "Limits of the file").

O2S does not publish them: these are assumptions drawn from what its screens hold (one-line
inputs, a phone box, an editor for template bodies), generous enough for any real firm.
They are checked at ``validate``, so that a value the tenant could not hold stops the run
before anything is written, not part-way through ``apply``; the sandbox checks writes with
the same model. Numbers must be finite everywhere (``.inf`` and ``.nan`` are refused).
"""

from __future__ import annotations

KEY_MAX = 100  # a login, a structure code, a profile label, any other name used as a key
TEXT_MAX = 255  # any other text field (a one-line input), unless listed below
EMAIL_MAX = 254  # an e-mail address (the SMTP limit of RFC 5321)
PHONE_MAX = 30  # a phone or fax number, as written ("+33 1 42 00 00 00")
POSTAL_CODE_MAX = 16
PARAGRAPH_MAX = 4_000  # a text of several lines: an editions setting (a disclaimer), a description
BODY_MAX = 65_535  # an e-mail template body
PASSWORD_MAX = 255  # a mail server password (from the environment)

AMOUNT_MAX = 1e12  # euros: share capital, insurance amounts
SETTING_NUMBER_MAX = 1e9  # a number among the editions settings (either sign)
MONEYPITCH_LIMIT_MAX = 100_000  # MoneyPitch accesses a user may open
