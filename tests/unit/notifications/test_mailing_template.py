"""A mail to a whole list is composed once and filled in per member (adapters/composer.py `Mailing`): every copy
must read, for a mail program, exactly as a message built the ordinary way for that member."""

from __future__ import annotations

from datetime import timedelta
from email.headerregistry import Address
from email.message import EmailMessage

import pytest

from services.notifications.adapters.composer import MailComposer, _parts, _to_line
from services.notifications.adapters.mail import POLICY, Sender
from services.notifications.domain.tokens import Signer
from tests.support import test_clock

MEMBERS = [
    ("anna@example.org", "Anna"),
    ("jürgen.müller@example.org", "Jürgen Müller"),  # an address with umlauts (SMTPUTF8)
    ("b.o'brien@example.org", 'Bea "Bee" O\'Brien, Sprecherin'),  # quotes and a comma in the name
    ("x@example.org", ""),
    (
        "lang@" + "sehr-lange-domain-" * 8 + "example.org",
        "Ein Name, der so lang ist, dass die Kopfzeile gefaltet wird " * 2,
    ),
]
CONTEXTS = {
    "beitrag": {"subject": "Rundbrief Dezember", "text": "Liebe Alle,\n\nÄnderungen bei Bürgergeld und Miete.\n" * 3},
    "beitrag_lang": {
        "subject": "Lange Zeilen",
        "text": "ß" * 300 + "\nEine Zeile, die länger als 78 Zeichen ist, " * 5,
    },
}


@pytest.mark.parametrize("case", sorted(CONTEXTS))
def test_every_copy_reads_as_if_built_for_that_member(case: str) -> None:
    clock = test_clock()
    composer = MailComposer(Sender("verteiler@beratungsnetz.example"), "https://beratungsnetz.example", clock.now)
    signer = Signer(b"k" * 32)
    context = {"list_name": "Landesverband"} | CONTEXTS[case]
    mailing = composer.mailing(
        "beitrag", event_id="beitrag:1", context=context, list_id="lv", list_name="Landesverband"
    )
    for address, name in MEMBERS:
        unsubscribe = signer.issue("abmelden", "lv", address, clock.now(), timedelta(days=90))
        manage = signer.issue("verwalten", "", address, clock.now(), timedelta(days=90))
        subject, copy = mailing.message(address, name, unsubscribe, manage)
        built_subject, built = composer.message(
            "beitrag",
            to_address=address,
            to_name=name,
            event_id="beitrag:1",
            context=context,
            list_id="lv",
            list_name="Landesverband",
            unsubscribe_token=unsubscribe,
            manage_token=manage,
        )
        assert _parts(copy) == _parts(built), address
        assert subject == built_subject and unsubscribe.encode() in _parts(copy)[0][6][1].encode()  # List-Unsubscribe
        assert max(len(line) for line in copy.split(b"\r\n")) <= 998  # RFC 5322's hard limit
    assert mailing.checked is True  # the copies were filled in, not built one by one


def test_a_line_break_in_a_name_is_refused_as_when_built_alone() -> None:
    clock = test_clock()
    composer = MailComposer(Sender("verteiler@beratungsnetz.example"), "https://beratungsnetz.example", clock.now)
    mailing = composer.mailing("beitrag", event_id="e", context={"subject": "S", "text": "T"}, list_id="lv")
    mailing.message("a@example.org", "Anna", "t1", "t2")
    with pytest.raises(ValueError):
        mailing.message("b@example.org", "Bea\r\nBcc: alle@example.org", "t1", "t2")


def test_the_to_header_written_directly_is_the_one_the_policy_writes() -> None:
    names = ["", "Anna", "Mitglied 12", "Anna Maria Schmidt", "A" * 60, "X Y Z", "Jo 2"]
    addresses = ["a@example.org", "mitglied00012@example.org", "a.b+liste@sub.example.de", "x-y_z@e-x.org"]
    for name in names:
        for address in addresses:
            local, _, domain = address.partition("@")
            probe = EmailMessage(policy=POLICY)
            probe["To"] = Address(name, local, domain)
            assert _to_line(address, name) == POLICY.fold_binary("To", probe["To"]), (name, address)
