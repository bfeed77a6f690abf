"""The archive of a list as an mbox file (Python's `mailbox` module writes it: "From " lines, quoting)."""

from __future__ import annotations

import mailbox
import tempfile
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path


def mbox_bytes(messages: list[tuple[str, datetime, bytes]]) -> bytes:
    """(sender, date, message) oldest first, as one mbox."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archiv.mbox"
        box = mailbox.mbox(path, create=True)
        box.lock()
        try:
            for sender, at, raw in messages:
                entry = mailbox.mboxMessage(message_from_bytes(raw, policy=policy.compat32))
                entry.set_from(sender or "MAILER-DAEMON", at.utctimetuple())
                box.add(entry)
            box.flush()
        finally:
            box.unlock()
            box.close()
        return path.read_bytes()
