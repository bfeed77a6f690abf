"""A personal mail another service asks the mailing service to send (issue 17: surveys and trainings).

The producer knows what the mail is about and writes its German text; the mailing service only sends it,
exactly once per event (a delivery row keyed by the event id), with the producer's link made absolute
with its `public_url`. The producers declare their own event on this shape: `registry.mail.requested.v1`
and `events.mail.requested.v1`.
"""

from __future__ import annotations

from typing import Literal

from shared.contracts.envelope import Contract, EventPayload

# What the mail is about; the mailing service may use it for the audit line and statistics, never for text.
MailKind = Literal[
    "umfrage_einladung",  # a survey campaign's personal link
    "umfrage_erinnerung",  # the same, to someone who has not answered yet
    "schulung_einladung",  # "meine Schulungen": the personal link to register for trainings
    "schulung_angemeldet",  # registration confirmed (with the .ics)
    "schulung_warteliste",  # on the waiting list
    "schulung_nachgerueckt",  # moved up from the waiting list (with the .ics)
    "schulung_abgemeldet",  # registration cancelled
    "schulung_erinnerung",  # the day before
    "schulung_abgesagt",  # the date is cancelled
    "auffrischung_faellig",  # a qualification ends soon: next dates to register for
    "stelle_ohne_qualifikation",  # to an office: its last qualified counsellor has lapsed
    "antrag_frist",  # a seminar's financial application is due soon
]


class PersonalMailV1(Contract):
    to: str  # one address
    to_name: str = ""
    kind: str  # a MailKind (str: a reader built before a kind was added still sends the mail)
    subject: str  # German, one line
    text: str  # German plain text, without greeting formula rules imposed: the producer writes it whole
    link_path: str = ""  # "/umfrage/…": the mailing service prefixes its public_url; empty: no link
    link_label: str = ""  # German: "Zur Umfrage"
    ics: str = ""  # an iCalendar document to attach as einladung.ics (text/calendar; method=PUBLISH)
    reference: str = ""  # what the mail belongs to (campaign or training id), for the audit only


class MailRequested(PersonalMailV1, EventPayload):
    """Base of each producer's `…mail.requested.v1` event."""
