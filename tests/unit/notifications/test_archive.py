"""The archive on fakes: every post is kept, replies thread by References/In-Reply-To, search by words, members only
(unless the list is public), attachments within limits, erasure takes a person's posts. No database, no network."""

from __future__ import annotations

from dataclasses import replace
from email.message import EmailMessage

import pytest

from services.notifications.domain import commands
from services.notifications.domain.archive import AttachmentLimits, post_message_id, referenced
from services.notifications.domain.errors import Forbidden
from services.notifications.service_layer import archive
from services.notifications.service_layer.membership import get_list
from tests.unit.notifications.world import OFFICE, OWNER, World, a_list

ANNA, BERT = "anna@example.org", "bert@example.org"


async def _list(world: World) -> str:
    list_id = await a_list(world, "offen")
    await world(commands.AddMember(list_id, OWNER, ANNA, "Anna Beispiel", "mitglied", "jede"))
    return list_id


def reply(parent_id: str, text: str, attachments: list[tuple[str, bytes]] = ()) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Anna Beispiel <anna@example.org>"
    msg["Subject"] = "Re: Treffen"
    msg["Message-ID"] = "<antwort-1@example.org>"
    msg["In-Reply-To"] = "<kopie-fuer-anna@beratungsnetz.example>"  # her copy's own id: not in the archive
    msg["References"] = f"{parent_id} <kopie-fuer-anna@beratungsnetz.example>"
    msg.set_content(text)
    for name, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return bytes(msg)


def test_a_reply_names_its_parent_first() -> None:
    assert referenced("<b@x>", "<a@x> <b@x>") == ["<b@x>", "<a@x>"]
    assert referenced("", "") == []
    assert AttachmentLimits(each=10, total=15).keep([5, 11, 8, 3]) == [True, False, True, False]


async def test_posts_are_kept_threaded_and_found_by_a_word_for_members_only(world: World) -> None:
    list_id = await _list(world)
    await world(commands.Post(list_id, OWNER, "Treffen am Montag", "Wir treffen uns im Gewerkschaftshaus."))
    await world(commands.Post(list_id, OWNER, "Flugblatt", "Der Entwurf für das Flugblatt ist fertig."))
    (first, second) = world.uow.committed.archive
    assert first["sender"] == OWNER and first["sender_name"] == "Kathrin" and first["thread_id"] == first["id"]
    copy = [m for m in world.composer.made if m["kind"] == "beitrag"][0]
    assert copy["references"] == first["message_id"]  # replies to any copy find the post

    async with world.uow() as uow:
        mailing_list = await get_list(uow, list_id)
        await archive.keep(world.deps, uow, mailing_list, "eingang:1", reply(first["message_id"], "Ich komme mit."))
        await uow.commit()
    answer = world.uow.committed.archive[-1]
    assert (answer["thread_id"], answer["parent_id"]) == (first["id"], first["id"])

    found, threads, total, hits = await archive.overview(world.deps, list_id, ANNA, False, "GEWERKSCHAFTSHAUS")
    assert total == 2 and [t.posts for t in threads] == [2, 1] and [h.subject for h in hits] == ["Treffen am Montag"]
    _, posts = await archive.thread(world.deps, list_id, "Anna@Example.org", False, first["id"])
    assert [p.body.strip() for p in posts] == ["Wir treffen uns im Gewerkschaftshaus.", "Ich komme mit."]
    assert second["subject"] == "Flugblatt"

    for outsider in ("", BERT):
        with pytest.raises(Forbidden):
            await archive.overview(world.deps, list_id, outsider, False)
        with pytest.raises(Forbidden):
            await archive.thread(world.deps, list_id, outsider, False, first["id"])
    await archive.overview(world.deps, list_id, OFFICE, True)  # the Landesbüro
    with pytest.raises(Forbidden):  # the mbox is the moderation's
        await archive.messages(world.deps, list_id, ANNA)
    _, mails = await archive.messages(world.deps, list_id, OWNER)
    assert len(mails) == 3

    with pytest.raises(Forbidden):
        await world(commands.UpdateList(list_id, ANNA, "Liste", "", "offen", archive_public=True))
    await world(commands.UpdateList(list_id, OWNER, "Liste", "", "offen", archive_public=True))
    await archive.overview(world.deps, list_id, "", False)  # public: anyone reads
    await world(commands.UpdateList(list_id, OWNER, "Liste", "", "offen"))  # not named: stays public
    await archive.overview(world.deps, list_id, BERT, False)
    await world(commands.UpdateList(list_id, OWNER, "Liste", "", "offen", archive_public=False))
    with pytest.raises(Forbidden):
        await archive.overview(world.deps, list_id, BERT, False)
    assert [e["detail"] for e in world.uow.committed.audit if e["action"] == "verteiler_geaendert"] == [
        "Archiv öffentlich",
        "Archiv nur für Mitglieder",
    ]


async def test_attachments_are_kept_within_the_limits_and_named_beyond(world: World) -> None:
    list_id = await _list(world)
    deps = replace(world.deps, attachment_limits=AttachmentLimits(each=1000, total=1500))
    big, small = b"%PDF" + b"x" * 2000, b"%PDF" + b"y" * 500
    async with world.uow() as uow:
        mailing_list = await get_list(uow, list_id)
        raw = reply("<nichts@x>", "Anbei zwei Dateien.", [("gross.pdf", big), ("klein.pdf", small)])
        await archive.keep(deps, uow, mailing_list, "eingang:2", raw)
        await uow.commit()
    (post,) = world.uow.committed.archive
    assert [(a["name"], a["kept"]) for a in post["attachments"]] == [("gross.pdf", False), ("klein.pdf", True)]
    assert b"klein.pdf" in post["message"] and b"gross.pdf" not in post["message"]
    assert post["thread_id"] == post["id"]  # the parent is not in the archive: a thread of its own


async def test_erasure_takes_the_persons_posts_and_her_name_from_others(world: World) -> None:
    list_id = await _list(world)
    await world(commands.AddMember(list_id, OWNER, BERT, "Bert", "moderation", "jede"))
    await world(commands.Post(list_id, OWNER, "Protokoll", "Anna Beispiel schreibt das Protokoll."))
    async with world.uow() as uow:
        mailing_list = await get_list(uow, list_id)
        await archive.keep(world.deps, uow, mailing_list, "eingang:3", reply("<x@x>", "Mache ich."))
        await uow.commit()
    await world(commands.ErasePerson(ANNA))
    posts = world.uow.committed.archive
    assert [p["sender"] for p in posts] == [OWNER]
    assert "Anna" not in posts[0]["body"] and "gelöschte Person" in posts[0]["body"]
    assert post_message_id("a", "b", "x") != post_message_id("a", "c", "x")
