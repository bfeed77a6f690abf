"""What the public forms check themselves, before anything that depends on whether an address is known.

The subscribe form's input is checked here against the contract's own rules (the caller passes their messages) and
against the consent text the list shows now; the answer then is the same fixed page for every address, and the
notifications service is asked afterwards (web/background.py).
"""

from __future__ import annotations

SUBSCRIBE_FIELDS = {"address": "adresse", "display_name": "name"}  # the contract's field -> the form's field
NO_CONSENT = (
    "Bitte lesen Sie die Einwilligungserklärung und willigen Sie mit dem Knopf „Einwilligen und abonnieren“ ein. "
    "Ohne Ihre Einwilligung tragen wir niemanden ein."
)
CONSENT_CHANGED = (
    "Die Einwilligungserklärung wurde inzwischen geändert. Bitte lesen Sie die Fassung auf dieser Seite und "
    "willigen Sie erneut ein."
)


def subscribe_errors(field_errors: dict[str, str], consent_given: str, consent_shown: str) -> dict[str, str]:
    """The subscribe form's errors (form field -> German message); empty when the request may go on.

    `field_errors`: the contract's messages by its field names; `consent_given`: the consent text version the posted
    form carried; `consent_shown`: the version the list's page shows now. A consent is only to a text that was shown:
    none given, or another version than today's, is an error at the consent (`einwilligung`)."""
    errors = {SUBSCRIBE_FIELDS[k]: v for k, v in field_errors.items() if k in SUBSCRIBE_FIELDS}
    given = consent_given.strip()
    if not given:
        errors["einwilligung"] = NO_CONSENT
    elif given != consent_shown or "consent_version" in field_errors:
        errors["einwilligung"] = CONSENT_CHANGED
    return errors
