"""The archive of a list: which thread a post belongs to, and which of its attachments are kept.

A post joins the thread of the newest archived post its `In-Reply-To` or `References` names (by Message-ID; the
copies of a list mail all refer to the post's own id, see `post_message_id`); a post that names none starts a thread.
Attachments are kept up to a size each and in total; what is over the limit is named, not kept.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_IDS = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class AttachmentLimits:
    each: int = 5 * 1024 * 1024
    total: int = 10 * 1024 * 1024

    def keep(self, sizes: list[int]) -> list[bool]:
        """Which attachments (by size, in order) are kept: each within `each`, together within `total`."""
        kept, used = [], 0
        for size in sizes:
            fits = size <= self.each and used + size <= self.total
            used += size if fits else 0
            kept.append(fits)
        return kept


def post_message_id(list_id: str, event_id: str, domain: str) -> str:
    """The id that names a post in the archive and in the References of every copy of it."""
    digest = hashlib.sha256(f"post\x00{list_id}\x00{event_id}".encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def referenced(in_reply_to: str, references: str) -> list[str]:
    """The Message-IDs a post answers, the direct parent first."""
    ids = _IDS.findall(in_reply_to or "") + list(reversed(_IDS.findall(references or "")))
    return list(dict.fromkeys(ids))


def words_of(search: str) -> list[str]:
    """The words of a search (lower case), each to be found in subject or text, whatever its case there."""
    return [w for w in search.lower().split() if w][:10]
