"""One key per purpose (shared/keys.py): what is signed for one purpose never verifies for another; a rotated secret
keeps what it signed valid while it is named as the previous one; fingerprints stay on the secret itself."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest

from services.events.domain.training_links import InvalidLink, TrainingLinks
from services.events.domain.trainings import Person
from services.notifications.domain.errors import TokenRefused
from services.notifications.domain.tokens import Signer
from services.registry.config import RegistrySettings
from services.registry.domain.campaigns import LinkInvalid, SurveyLinks
from shared import keys, privacy

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
OLD, NEW = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
ANNA = Person("Anna Beispiel", "anna@example.org")


def link(signer: Signer) -> str:
    return signer.issue("bestaetigen", "lag", "anna@example.org", NOW, timedelta(hours=48))


def test_each_purpose_and_each_secret_has_its_own_key() -> None:
    derived = {keys.derive(s, p) for s in (OLD, NEW) for p in keys.PURPOSES}
    assert len(derived) == 4 and all(len(k) == 32 for k in derived)
    assert keys.derive(OLD, keys.LINKS) == keys.derive(OLD, keys.LINKS)  # the same in every process
    assert OLD.encode() not in derived
    with pytest.raises(ValueError, match="unknown key purpose"):
        keys.derive(OLD, "fingerabdruck")


def test_a_value_signed_with_the_session_key_does_not_verify_as_a_link() -> None:
    links, sessions = keys.derive(NEW, keys.LINKS), keys.derive(NEW, keys.SESSIONS)
    with pytest.raises(TokenRefused):
        Signer(links).verify(link(Signer(sessions)), "bestaetigen", NOW)
    assert Signer(links).verify(link(Signer(links)), "bestaetigen", NOW).address == "anna@example.org"
    with pytest.raises(InvalidLink):
        TrainingLinks(links).read(TrainingLinks(sessions).token(ANNA))
    with pytest.raises(LinkInvalid):
        SurveyLinks(links).check(SurveyLinks(sessions).token("k-1", "r-1"), "k-1", "r-1")
    with pytest.raises(TokenRefused):  # nor does anything signed with the fingerprint key (the secret's bytes)
        Signer(links).verify(link(Signer(privacy.fingerprint_key(NEW))), "bestaetigen", NOW)


def test_a_rotated_secret_keeps_its_links_valid_while_named_as_the_previous_one() -> None:
    before = RegistrySettings(secret_key=OLD).keys(keys.LINKS)
    after = RegistrySettings(secret_key=NEW, secret_key_previous=OLD).keys(keys.LINKS)
    later = RegistrySettings(secret_key=NEW).keys(keys.LINKS)  # the previous one removed
    assert after[0] == later[0] == keys.derive(NEW, keys.LINKS)  # only the current key signs

    old_link, old_survey, old_training = link(Signer(*before)), SurveyLinks(*before), TrainingLinks(*before)
    assert Signer(*after).verify(old_link, "bestaetigen", NOW).address == "anna@example.org"
    SurveyLinks(*after).check(old_survey.token("k-1", "r-1"), "k-1", "r-1")
    assert TrainingLinks(*after).read(old_training.token(ANNA)) == ANNA
    assert Signer(*later).verify(link(Signer(*after)), "bestaetigen", NOW)  # new links survive the next step
    with pytest.raises(TokenRefused):
        Signer(*later).verify(old_link, "bestaetigen", NOW)
    with pytest.raises(LinkInvalid):
        SurveyLinks(*later).check(old_survey.token("k-1", "r-1"), "k-1", "r-1")
    with pytest.raises(InvalidLink):
        TrainingLinks(*later).read(old_training.token(ANNA))


def test_links_mailed_before_the_keys_were_derived_still_verify() -> None:
    settings = RegistrySettings(secret_key=NEW)
    mailed = link(Signer(NEW.encode()))  # how the mailing service signed until now: with the secret itself
    assert Signer(*settings.keys(keys.LINKS, legacy=True)).verify(mailed, "bestaetigen", NOW)
    with pytest.raises(TokenRefused):
        Signer(*settings.keys(keys.LINKS)).verify(mailed, "bestaetigen", NOW)
    assert TrainingLinks(*settings.keys(keys.LINKS, legacy=True)).read(TrainingLinks(NEW).token(ANNA)) == ANNA


def test_fingerprints_stay_on_the_secret_itself_so_stored_suppressions_are_found() -> None:
    # The mailing service stored its suppressions with this key; a derived one would make them unfindable.
    assert privacy.fingerprint_key(NEW) == NEW.encode()
    stored = privacy.fingerprint("Anna@Example.org ", NEW.encode())
    assert privacy.matches("anna@example.org", stored, privacy.fingerprint_key(NEW))


def test_a_fingerprint_key_of_its_own_keeps_suppressions_findable_after_a_rotation() -> None:
    assert RegistrySettings(secret_key=NEW).fingerprints() == NEW.encode()  # default: the secret itself
    rotated = RegistrySettings(secret_key=NEW, secret_key_previous=OLD, fingerprint_key=OLD)
    stored = privacy.fingerprint("anna@example.org", privacy.fingerprint_key(OLD))  # before the rotation
    assert privacy.matches("anna@example.org", stored, rotated.fingerprints())
    assert rotated.keys(keys.LINKS)[0] == keys.derive(NEW, keys.LINKS)  # links move on to the new secret
    assert RegistrySettings(secret_key=NEW, fingerprint_key="").fingerprint_key is None  # compose's empty default
