"""The archive of a list on the web (issue 20): threads, newest first, a search by words, each thread to read.

Who may read is the notifications service's rule (members of the list, its moderation, the Landesbüro; anyone if the
list's archive is public): the page asks as the signed-in person. A member opens it with the personal link every
list mail carries ("Meine Verteiler"): its button "Archiv lesen" leaves a signed cookie for this one archive (the
address the link proves, a few hours, path-bound), not a session: a forwarded list mail must not sign anyone in as a
moderator. Without either a members-only archive shows how to get in, and says nothing about what it holds.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from services.gateway.domain.moderation import Paging
from services.gateway.entrypoints.web.auth import viewer
from services.gateway.entrypoints.web.calls import PageError, ask
from services.gateway.entrypoints.web.context import web_of
from services.gateway.entrypoints.web.member import refused_page
from services.gateway.entrypoints.web.render import page, redirect, sign_in_path, signed, unsigned
from shared.contracts import notifications as n

PER_PAGE = 30
READER_COOKIE = "bn_archiv"
READER_VALID = timedelta(hours=8)


def archive_path(list_id: str) -> str:
    return f"/verteiler/{quote(list_id, safe='')}/archiv"


def size_words(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",") if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


def member_reading(request: Request, list_id: str) -> str:
    """The address the member's own link proved for this list's archive (READER_COOKIE), or "" if none or expired."""
    text = unsigned(request, request.cookies.get(READER_COOKIE)) or ""
    kind, cookie_list, address, until = (text.split("\n") + ["", "", "", ""])[:4]
    try:
        valid = (
            kind == "archiv" and cookie_list == list_id and datetime.fromisoformat(until) > web_of(request).clock.now()
        )
    except ValueError:
        return ""
    return address if valid else ""


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    async def reading(request: Request, list_id: str, spec: object, **values: object) -> object | Response:
        """The service's answer for the person looking, or the page that says who may read this archive."""
        person = await viewer(request)
        reader = person.address if person else member_reading(request, list_id)
        who = {"reader": reader, "admin": bool(person and person.admin)}
        try:
            return await ask(request, spec, {"list_id": list_id, **who, **values})
        except PageError as refusal:
            if refusal.code != "nicht_erlaubt":
                raise
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return page(
                request,
                "archiv/nur_mitglieder",
                "Nur für Mitglieder",
                403,
                signed_in=person is not None,
                sign_in=sign_in_path(here),
                message=refusal.message,
            )

    @r.get("/verteiler/{list_id}/archiv", response_class=HTMLResponse)
    async def overview(request: Request, list_id: str, suche: str = "", seite: str = "1") -> Response:
        paging = Paging.of(seite, size=PER_PAGE)
        found = await reading(
            request, list_id, n.ARCHIVE, search=suche.strip()[:200], offset=paging.offset, limit=PER_PAGE
        )
        if isinstance(found, Response):
            return found
        person = request.state.viewer
        return page(
            request,
            "archiv/uebersicht",
            f"Archiv – {found.list_name}",
            archive=found,
            here=archive_path(list_id),
            search=suche.strip(),
            paging=paging.counted(found.total),
            page_link=f"{archive_path(list_id)}?{urlencode({'suche': suche.strip()})}&seite=",
            moderates=bool(person and person.may_moderate(list_id)),
            mbox=f"/moderation/{quote(list_id, safe='')}/archiv.mbox",
        )

    @r.get("/verteiler/{list_id}/archiv/{thread_id}", response_class=HTMLResponse)
    async def thread(request: Request, list_id: str, thread_id: str) -> Response:
        if not thread_id.isdigit() or int(thread_id) < 1:
            raise PageError(404, "Diesen Beitrag gibt es im Archiv nicht.", "nicht_gefunden")
        found = await reading(request, list_id, n.ARCHIVE_THREAD, thread_id=int(thread_id))
        if isinstance(found, Response):
            return found
        return page(
            request,
            "archiv/thema",
            found.posts[0].subject or "(ohne Betreff)",
            thread=found,
            here=archive_path(list_id),
            size_words=size_words,
        )

    @r.post("/meine-verteiler/archiv", response_class=HTMLResponse)
    async def open_with_own_link(request: Request, token: str = Form(""), verteiler: str = Form("")) -> Response:
        """The member's personal link proves the address: the archive of that list for it (READER_COOKIE)."""
        web = web_of(request)
        try:
            mine = await ask(request, n.MY_LISTS, {"token": token})
        except PageError as refusal:
            return refused_page(request, refusal)
        if not any(s.list_id == verteiler and s.status == "aktiv" for s in mine.subscriptions):
            return redirect(
                f"/meine-verteiler?token={quote(token, safe='')}", "Dort sind Sie nicht eingetragen.", request
            )
        until = (web.clock.now() + READER_VALID).isoformat()
        response = redirect(archive_path(verteiler))
        response.set_cookie(
            READER_COOKIE,
            signed(request, f"archiv\n{verteiler}\n{mine.address}\n{until}"),
            max_age=int(READER_VALID.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=web.secure_cookies,
            path=archive_path(verteiler),
        )
        return response

    return r
