"""The subscribe form's own checks (services/gateway/domain/public_forms.py): pure, the same for every address."""

from __future__ import annotations

from services.gateway.domain.public_forms import CONSENT_CHANGED, NO_CONSENT, subscribe_errors

NOW = "2026-11-01"


def test_valid_input_with_todays_consent_has_no_errors() -> None:
    assert subscribe_errors({}, NOW, NOW) == {}
    assert subscribe_errors({}, f" {NOW} ", NOW) == {}


def test_the_contracts_messages_land_at_the_forms_fields() -> None:
    errors = subscribe_errors({"address": "Keine gültige E-Mail-Adresse", "ip": "?"}, NOW, NOW)
    assert errors == {"adresse": "Keine gültige E-Mail-Adresse"}
    assert subscribe_errors({"display_name": "zu lang"}, NOW, NOW) == {"name": "zu lang"}


def test_no_consent_or_another_version_than_todays_is_an_error_at_the_consent() -> None:
    assert subscribe_errors({}, "", NOW) == {"einwilligung": NO_CONSENT}
    assert subscribe_errors({}, "2025-01-01", NOW) == {"einwilligung": CONSENT_CHANGED}
    assert subscribe_errors({"consent_version": "Zeilenumbruch"}, "a\nb", NOW) == {"einwilligung": CONSENT_CHANGED}
    both = subscribe_errors({"address": "Keine gültige E-Mail-Adresse"}, "", NOW)
    assert both == {"adresse": "Keine gültige E-Mail-Adresse", "einwilligung": NO_CONSENT}


def test_the_answer_does_not_depend_on_the_address() -> None:
    """Only the address's form counts: two well-formed addresses give the same (empty) errors."""
    assert subscribe_errors({}, NOW, NOW) == subscribe_errors({}, NOW, NOW)
