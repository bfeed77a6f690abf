"""The list moderator's pages (issue 14): requests, members, audit log, a message to all, its delivery,
the list's settings. Each page asks the notifications service, which checks again who may do what;
the person is never asked to type an id (a list is its short name, a member is picked from the table).

Every change is a POST (CSRF-checked by the middleware) answered by a redirect with a notice; a form
whose input the service refuses comes back filled in, with the error summary at the top.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from services.gateway.domain import moderation as words
from services.gateway.domain.moderation import Paging, day_end, day_start, member_lines, notice_lines, parse_day
from services.gateway.domain.people import Viewer
from services.gateway.entrypoints.web import calls
from services.gateway.entrypoints.web.auth import require_moderator, require_viewer
from services.gateway.entrypoints.web.calls import PageError
from services.gateway.entrypoints.web.render import add_navigation, error_page, page, redirect
from shared.contracts import RequestSpec
from shared.contracts import notifications as n

REFRESH = 3  # seconds: a delivery page reloads itself while mails wait (no JavaScript needed)


async def ask(request: Request, spec: RequestSpec, **values: Any) -> Any:
    """Ask the owning service as the person looking at the page: as moderator, as the Landesbüro if admin.

    A refusal is a PageError (German); a form that can show it at its fields catches it, else it becomes a
    German error page (503 when the service does not answer)."""
    viewer: Viewer = request.state.viewer
    if "moderator" in spec.request.model_fields:
        values = {"moderator": viewer.address, "admin": viewer.admin} | values
    return await calls.ask(request, spec, values, actor=viewer.address)


def base(list_id: str) -> str:
    return f"/moderation/{quote(list_id, safe='')}"


def member_path(list_id: str, task: str, address: str) -> str:
    return f"{base(list_id)}/mitglieder/{task}?{urlencode({'adresse': address})}"


async def the_list(request: Request, list_id: str) -> n.ListV1:
    """The list with its settings (name, policy, description, welcome text, member count)."""
    lists = await ask(request, n.LISTS, list_id=list_id)
    for found in lists.lists:
        if found.list_id == list_id:
            return found
    raise PageError(404, f"Den Verteiler „{list_id}“ gibt es nicht.", "nicht_gefunden")


async def one_member(request: Request, list_id: str, address: str) -> n.MemberV1:
    """The member picked in the table (by address, as the table shows it)."""
    wanted = address.strip().lower()
    if not wanted:
        raise PageError(404, "Bitte wählen Sie ein Mitglied aus der Tabelle.", "nicht_gefunden")
    found = await ask(request, n.MEMBERS, list_id=list_id, search=address.strip(), limit=1000)
    for member in found.members:
        if member.address.lower() == wanted:
            return member
    raise PageError(404, f"{address} ist nicht in diesem Verteiler.", "nicht_gefunden")


def values_of(form: Any, *names: str) -> dict[str, str]:
    return {name: str(form.get(name, "")) for name in names}


async def moderator_of_list(list_id: str, request: Request) -> Viewer:
    """`require_moderator`, except that roles unread because the notifications service did not answer
    are a German 503 ("try again"), not a 403 ("not yours")."""
    viewer = await require_viewer(request)
    if not viewer.may_moderate(list_id) and "notifications" in viewer.unanswered:
        raise PageError(
            503,
            "Der Verteiler-Dienst antwortet gerade nicht. Bitte versuchen Sie es gleich noch einmal.",
            retry_after=5,
        )
    return await require_moderator(list_id, request)


def router() -> APIRouter:
    r = APIRouter(prefix="/moderation", include_in_schema=False)
    add_navigation("/moderation", "Moderation", lambda viewer: bool(viewer.moderates) or viewer.admin)
    moderator = Depends(moderator_of_list)

    # --- overview ---------------------------------------------------------------------------------------

    @r.get("", response_class=HTMLResponse)
    async def overview(request: Request, viewer: Viewer = Depends(require_viewer)) -> Response:
        rows = list(viewer.moderates.values())
        if viewer.admin:  # the Landesbüro may moderate every list: all open ones, with what waits
            known = {row.list_id for row in rows}
            for listed in (await ask(request, n.LISTS)).lists:
                if listed.list_id in known or listed.status != "aktiv":
                    continue
                waiting = await ask(request, n.PENDING, list_id=listed.list_id)
                pending = sum(1 for q in waiting.requests if q.state == "moderation_offen")
                rows.append(n.ModeratedList(**listed.model_dump(), pending=pending))
        if not rows:
            return error_page(
                403,
                "Keine Berechtigung",
                "Sie moderieren keinen Verteiler. Wenn Sie das sollten, bitten Sie die Moderation des Verteilers, "
                "Ihnen die Rolle „Moderation“ zu geben.",
                request,
            )
        rows.sort(key=lambda row: row.name.casefold())
        return page(request, "moderation/uebersicht", "Ihre Verteiler", lists=rows)

    @r.get("/{list_id}", response_class=HTMLResponse)
    async def one_list(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        listed = await the_list(request, list_id)
        waiting = await ask(request, n.PENDING, list_id=list_id)
        mailings = await ask(request, n.MAILINGS, list_id=list_id)
        held = await ask(request, n.HELD_POSTS, list_id=list_id)  # posts by mail (issue 20)
        return page(
            request,
            "moderation/liste",
            listed.name,
            mailing_list=listed,
            base=base(list_id),
            pending=sum(1 for q in waiting.requests if q.state == "moderation_offen"),
            deferred=sum(1 for q in waiting.requests if q.state == "zurueckgestellt"),
            held=sum(1 for p in held.posts if p.state == "wartet"),
            last_mailing=mailings.mailings[0] if mailings.mailings else None,
            policy=words.word(words.POLICIES, listed.policy),
        )

    # --- requests ------------------------------------------------------------------------------------------

    async def requests_page(
        request: Request, list_id: str, errors: dict[str, str] | None = None, reason: str = "", status: int = 200
    ) -> Response:
        listed = await the_list(request, list_id)
        waiting = await ask(request, n.PENDING, list_id=list_id)
        return page(
            request,
            "moderation/anfragen",
            f"Anfragen – {listed.name}",
            status,
            mailing_list=listed,
            base=base(list_id),
            requests=waiting.requests,
            errors=errors or {},
            reason=reason,
            words=words,
        )

    @r.get("/{list_id}/anfragen", response_class=HTMLResponse)
    async def requests_get(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        return await requests_page(request, list_id)

    @r.post("/{list_id}/anfragen", response_class=HTMLResponse)
    async def requests_post(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        form = await request.form()
        reason = str(form.get("grund", ""))
        chosen = [str(v) for v in form.getlist("anfrage")]
        decision = str(form.get("aktion", ""))
        for word_ in words.DECISIONS:  # a row's own button: name is the decision, value the request
            if form.get(word_):
                decision, chosen = word_, [str(form.get(word_))]
        if decision not in words.DECISIONS:
            return await requests_page(
                request, list_id, {"aktion": "Bitte wählen Sie, was geschehen soll."}, reason, 422
            )
        if not chosen:
            return await requests_page(
                request, list_id, {"anfrage": "Bitte wählen Sie mindestens eine Anfrage aus."}, reason, 422
            )
        waiting = {q.request_id: q for q in (await ask(request, n.PENDING, list_id=list_id)).requests}
        reports, failed = [], False
        for request_id in chosen:
            known = waiting.get(request_id)
            who = _who(known) if known else "Eine Anfrage"
            try:
                await ask(
                    request,
                    n.DECIDE,
                    list_id=list_id,
                    request_id=request_id,
                    decision=decision,
                    reason=reason if decision == "ablehnen" else "",
                )
            except PageError as exc:
                failed = True
                reports.append(f"{who}: nicht entschieden – {exc.message}")
                continue
            reports.append(f"{who}: {words.DECISIONS[decision][1]}")
        head = "Nicht alles hat geklappt." if failed else _decided_head(decision, len(chosen))
        return redirect(f"{base(list_id)}/anfragen", notice_lines(head, reports), request)

    # --- members -----------------------------------------------------------------------------------------

    @r.get("/{list_id}/mitglieder", response_class=HTMLResponse)
    async def members(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        listed = await the_list(request, list_id)
        q = request.query_params
        filters = {
            "suche": q.get("suche", "").strip(),
            "status": q.get("status", "" if q else "aktiv"),  # first visit: the active members
            "rolle": q.get("rolle", ""),
            "zustellung": q.get("zustellung", ""),
        }
        if filters["status"] not in ("", *words.MEMBER_STATUSES):
            filters["status"] = ""
        if filters["rolle"] not in ("", *words.ROLES):
            filters["rolle"] = ""
        if filters["zustellung"] not in ("", *words.DELIVERIES):
            filters["zustellung"] = ""
        paging = Paging.of(q.get("seite", "1"))
        query = {
            "list_id": list_id,
            "search": filters["suche"],
            "status": filters["status"],
            "role": filters["rolle"],
            "delivery": filters["zustellung"],
            "limit": paging.size,
        }
        errors: dict[str, str] = {}
        try:
            found = await ask(request, n.MEMBERS, **query, offset=paging.offset)
            if not found.members and found.total and paging.offset:  # beyond the last page: show the last one
                paging = Paging(max((found.total - 1) // paging.size + 1, 1), found.total)
                found = await ask(request, n.MEMBERS, **query, offset=paging.offset)
        except PageError as exc:
            if exc.status != 422:
                raise
            errors["suche"] = exc.message
            found = n.Members(members=[], total=0)
        paging = paging.counted(found.total)
        kept = {k: v for k, v in filters.items() if v}
        return page(
            request,
            "moderation/mitglieder",
            f"Mitglieder – {listed.name}",
            422 if errors else 200,
            mailing_list=listed,
            base=base(list_id),
            members=found.members,
            filters=filters,
            paging=paging,
            page_link=lambda number: f"{base(list_id)}/mitglieder?{urlencode(kept | {'seite': number})}",
            member_path=lambda task, address: member_path(list_id, task, address),
            errors=errors,
            words=words,
        )

    async def add_page(
        request: Request,
        list_id: str,
        text: str = "",
        errors: dict[str, str] | None = None,
        reports: list[tuple[str, str, bool]] | None = None,
        values: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        listed = await the_list(request, list_id)
        return page(
            request,
            "moderation/hinzufuegen",
            f"Mitglieder hinzufügen – {listed.name}",
            status,
            mailing_list=listed,
            base=base(list_id),
            text=text,
            errors=errors or {},
            reports=reports or [],
            values=values or {"rolle": "mitglied", "zustellung": "jede"},
            words=words,
        )

    @r.get("/{list_id}/mitglieder/hinzufuegen", response_class=HTMLResponse)
    async def add_get(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        return await add_page(request, list_id)

    @r.post("/{list_id}/mitglieder/hinzufuegen", response_class=HTMLResponse)
    async def add_post(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        form = await request.form()
        text = str(form.get("adressen", ""))
        values = values_of(form, "rolle", "zustellung")
        if values["rolle"] not in words.ROLES:
            values["rolle"] = "mitglied"
        if values["zustellung"] not in words.DELIVERIES:
            values["zustellung"] = "jede"
        lines = member_lines(text)
        if not lines:
            errors = {"adressen": "Bitte geben Sie mindestens eine E-Mail-Adresse ein, eine je Zeile."}
            return await add_page(request, list_id, text, errors, values=values, status=422)
        reports: list[tuple[str, str, bool]] = []  # (line, what happened, added)
        left: list[str] = []  # lines not added, to correct and send again
        added = 0
        for line in lines:
            label = f"Zeile {line.number}: {line.text}"
            if line.problem:
                reports.append((label, line.problem, False))
                left.append(line.text)
                continue
            try:
                await ask(
                    request,
                    n.ADD_MEMBER,
                    list_id=list_id,
                    address=line.address,
                    display_name=line.name,
                    role=values["rolle"],
                    delivery=values["zustellung"],
                )
            except PageError as exc:
                reports.append((label, await _why_not_added(request, list_id, line.address, exc), False))
                left.append(line.text)
                continue
            added += 1
            reports.append((label, "hinzugefügt", True))
        if not left:
            head = "1 Mitglied hinzugefügt." if added == 1 else f"{added} Mitglieder hinzugefügt."
            lines_report = [f"{label}: {what}" for label, what, _ in reports]
            return redirect(f"{base(list_id)}/mitglieder", notice_lines(head, lines_report), request)
        errors = {
            "adressen": f"{len(left)} von {len(lines)} Zeilen wurden nicht übernommen; "
            "sie stehen unten noch im Feld. Die übrigen sind eingetragen."
            if added
            else f"Keine der {len(lines)} Zeilen wurde übernommen; sie stehen unten noch im Feld."
        }
        return await add_page(request, list_id, "\n".join(left), errors, reports, values, 422)

    def member_task(task: str, template: str, title: str) -> None:
        @r.get(f"/{{list_id}}/mitglieder/{task}", response_class=HTMLResponse, name=f"member_{task}")
        async def show(request: Request, list_id: str, adresse: str = "", viewer: Viewer = moderator) -> Response:
            listed = await the_list(request, list_id)
            member = await one_member(request, list_id, adresse)
            return page(
                request,
                f"moderation/{template}",
                f"{title} – {member.display_name or member.address}",
                mailing_list=listed,
                base=base(list_id),
                member=member,
                member_path=lambda t, a: member_path(list_id, t, a),
                errors={},
                values={},
                words=words,
            )

    member_task("person", "person", "Mitglied")
    member_task("rolle", "rolle", "Rolle ändern")
    member_task("zustellung", "zustellung", "Zustellung ändern")
    member_task("adresse", "adresse", "Adresse ändern")
    member_task("entfernen", "entfernen", "Mitglied entfernen")

    async def member_form(
        request: Request, list_id: str, template: str, title: str, member: n.MemberV1, errors: dict, values: dict
    ) -> Response:
        listed = await the_list(request, list_id)
        return page(
            request,
            f"moderation/{template}",
            f"{title} – {member.display_name or member.address}",
            422,
            mailing_list=listed,
            base=base(list_id),
            member=member,
            member_path=lambda t, a: member_path(list_id, t, a),
            errors=errors,
            values=values,
            words=words,
        )

    @r.post("/{list_id}/mitglieder/rolle", response_class=HTMLResponse)
    async def role_post(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        form = await request.form()
        member = await one_member(request, list_id, str(form.get("adresse", "")))
        role = str(form.get("rolle", ""))
        if role not in words.ROLES:
            errors = {"rolle": "Bitte wählen Sie eine Rolle."}
            return await member_form(request, list_id, "rolle", "Rolle ändern", member, errors, {})
        try:
            await ask(request, n.SET_ROLE, list_id=list_id, address=member.address, role=role)
        except PageError as exc:
            if exc.status in (403, 404):
                raise
            errors = {"rolle": exc.message}
            return await member_form(request, list_id, "rolle", "Rolle ändern", member, errors, {"rolle": role})
        who = member.display_name or member.address
        notice = f"{who} hat jetzt die Rolle „{words.word(words.ROLES, role)}“."
        if role in ("moderation", "verwaltung"):
            notice += " Beim nächsten Anmelden sieht die Person die Moderationsseiten dieses Verteilers."
        return redirect(member_path(list_id, "person", member.address), notice, request)

    @r.post("/{list_id}/mitglieder/zustellung", response_class=HTMLResponse)
    async def delivery_post(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        form = await request.form()
        member = await one_member(request, list_id, str(form.get("adresse", "")))
        delivery = str(form.get("zustellung", ""))
        if delivery not in words.DELIVERIES:
            errors = {"zustellung": "Bitte wählen Sie, wie die Nachrichten ankommen sollen."}
            return await member_form(request, list_id, "zustellung", "Zustellung ändern", member, errors, {})
        try:
            await ask(request, n.SET_DELIVERY, list_id=list_id, address=member.address, delivery=delivery)
        except PageError as exc:
            if exc.status in (403, 404):
                raise
            errors = {"zustellung": exc.message}
            values = {"zustellung": delivery}
            return await member_form(request, list_id, "zustellung", "Zustellung ändern", member, errors, values)
        who = member.display_name or member.address
        notice = f"{who} bekommt ab jetzt: {words.word(words.DELIVERIES, delivery)}."
        return redirect(member_path(list_id, "person", member.address), notice, request)

    @r.post("/{list_id}/mitglieder/adresse", response_class=HTMLResponse)
    async def address_post(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        form = await request.form()
        member = await one_member(request, list_id, str(form.get("adresse", "")))
        new_address = str(form.get("neue_adresse", "")).strip()
        values = {"neue_adresse": new_address}
        if not new_address:
            errors = {"neue_adresse": "Bitte geben Sie die neue E-Mail-Adresse ein, z. B. name@example.org."}
            return await member_form(request, list_id, "adresse", "Adresse ändern", member, errors, values)
        try:
            done = await ask(
                request, n.CHANGE_ADDRESS, list_id=list_id, address=member.address, new_address=new_address
            )
        except PageError as exc:
            if exc.status in (403, 404):
                raise
            errors = {"neue_adresse": exc.message}
            return await member_form(request, list_id, "adresse", "Adresse ändern", member, errors, values)
        notice = (
            f"{done.message} Die Adresse von {member.display_name or member.address} ändert sich, "
            "sobald der Link in dieser E-Mail angeklickt wurde; bis dahin bleibt die alte Adresse eingetragen."
        )
        return redirect(member_path(list_id, "person", member.address), notice, request)

    @r.post("/{list_id}/mitglieder/entfernen", response_class=HTMLResponse)
    async def remove_post(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        form = await request.form()
        member = await one_member(request, list_id, str(form.get("adresse", "")))
        await ask(request, n.REMOVE_MEMBER, list_id=list_id, address=member.address)
        who = member.display_name or member.address
        notice = f"{who} ist aus dem Verteiler entfernt und bekommt keine Nachrichten mehr."
        return redirect(f"{base(list_id)}/mitglieder", notice, request)

    # --- audit log --------------------------------------------------------------------------------------------

    @r.get("/{list_id}/protokoll", response_class=HTMLResponse)
    async def audit(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        listed = await the_list(request, list_id)
        q = request.query_params
        filters = {k: q.get(k, "").strip() for k in ("person", "aktion", "von", "bis")}
        errors: dict[str, str] = {}
        days = {}
        for key in ("von", "bis"):
            try:
                days[key] = parse_day(filters[key])
            except ValueError as exc:
                errors[key] = str(exc)
        if days.get("von") and days.get("bis") and days["von"] > days["bis"]:
            errors["bis"] = "Das Datum „bis“ liegt vor dem Datum „von“."
        paging = Paging.of(q.get("seite", "1"))
        query: dict[str, Any] = {"list_id": list_id, "person": filters["person"], "action": filters["aktion"]}
        if not errors:
            query |= {
                "since": day_start(days["von"]) if days.get("von") else None,
                "until": day_end(days["bis"]) if days.get("bis") else None,
            }
        try:
            found = await ask(request, n.AUDIT, **query, offset=paging.offset, limit=paging.size)
        except PageError as exc:
            if exc.status != 422:
                raise
            errors["person"] = exc.message
            found = await ask(request, n.AUDIT, list_id=list_id, offset=0, limit=paging.size)
        paging = paging.counted(found.total)
        kept = {k: v for k, v in filters.items() if v}
        return page(
            request,
            "moderation/protokoll",
            f"Protokoll – {listed.name}",
            422 if errors else 200,
            mailing_list=listed,
            base=base(list_id),
            entries=found.entries,
            actions_choices=[(a, words.action_word(a)) for a in sorted(found.actions, key=words.action_word)],
            filters=filters,
            paging=paging,
            page_link=lambda number: f"{base(list_id)}/protokoll?{urlencode(kept | {'seite': number})}",
            errors=errors,
            words=words,
        )

    # --- a message to everyone ---------------------------------------------------------------------------------

    async def compose_page(
        request: Request, list_id: str, values: dict[str, str], errors: dict[str, str], status: int = 200
    ) -> Response:
        listed = await the_list(request, list_id)
        return page(
            request,
            "moderation/nachricht",
            f"Nachricht an alle – {listed.name}",
            status,
            mailing_list=listed,
            base=base(list_id),
            values=values,
            errors=errors,
        )

    @r.get("/{list_id}/nachricht", response_class=HTMLResponse)
    async def compose(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        return await compose_page(request, list_id, {"betreff": "", "text": ""}, {})

    def message_errors(values: dict[str, str]) -> dict[str, str]:
        errors = {}
        if not values["betreff"].strip():
            errors["betreff"] = "Bitte geben Sie einen Betreff ein."
        if not values["text"].strip():
            errors["text"] = "Bitte schreiben Sie den Text der Nachricht."
        return errors

    def contract_errors(exc: PageError) -> dict[str, str]:
        errors = {}
        for key, message in exc.fields.items():
            if key.endswith("subject"):
                errors.setdefault("betreff", message)
            elif key.endswith("text"):
                errors.setdefault("text", message)
        return errors or {"betreff": exc.message}

    @r.post("/{list_id}/nachricht", response_class=HTMLResponse)
    async def preview(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        values = values_of(await request.form(), "betreff", "text")
        if errors := message_errors(values):
            return await compose_page(request, list_id, values, errors, 422)
        try:
            shown = await ask(request, n.PREVIEW, list_id=list_id, subject=values["betreff"], text=values["text"])
        except PageError as exc:
            if exc.status in (403, 404):
                raise
            return await compose_page(request, list_id, values, contract_errors(exc), 422)
        listed = await the_list(request, list_id)
        return page(
            request,
            "moderation/vorschau",
            f"Vorschau – {listed.name}",
            mailing_list=listed,
            base=base(list_id),
            values=values,
            preview=shown,
        )

    @r.post("/{list_id}/nachricht/senden", response_class=HTMLResponse)
    async def send(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        form = await request.form()
        values = values_of(form, "betreff", "text")
        if form.get("schritt") == "aendern":
            return await compose_page(request, list_id, values, {})
        if errors := message_errors(values):
            return await compose_page(request, list_id, values, errors, 422)
        try:
            posted = await ask(request, n.POST, list_id=list_id, subject=values["betreff"], text=values["text"])
        except PageError as exc:
            if exc.status in (403, 404):
                raise
            return await compose_page(request, list_id, values, contract_errors(exc), 422)
        count = "1 Mitglied" if posted.recipients == 1 else f"{posted.recipients} Mitglieder"
        notice = f"Ihre Nachricht „{values['betreff']}“ geht an {count}. Diese Seite zeigt, wie weit der Versand ist."
        return redirect(f"{base(list_id)}/versand/{quote(posted.event_id, safe='')}", notice, request)

    # --- delivery -------------------------------------------------------------------------------------------------

    @r.get("/{list_id}/versand", response_class=HTMLResponse)
    async def mailings(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        listed = await the_list(request, list_id)
        found = await ask(request, n.MAILINGS, list_id=list_id)
        busy = any(m.pending for m in found.mailings)
        return page(
            request,
            "moderation/versand",
            f"Versand – {listed.name}",
            mailing_list=listed,
            base=base(list_id),
            mailings=found.mailings,
            refresh=REFRESH if busy else None,
            headers={"Refresh": str(REFRESH)} if busy else None,
        )

    @r.get("/{list_id}/versand/{event_id}", response_class=HTMLResponse)
    async def mailing(request: Request, list_id: str, event_id: str, viewer: Viewer = moderator) -> Response:
        listed = await the_list(request, list_id)
        found = await ask(request, n.MAILING, list_id=list_id, event_id=event_id)
        return page(
            request,
            "moderation/versand_einzeln",
            f"Versand: {found.mailing.subject}",
            mailing_list=listed,
            base=base(list_id),
            mailing=found.mailing,
            failures=found.failures,
            refresh=REFRESH if found.mailing.pending else None,
            headers={"Refresh": str(REFRESH)} if found.mailing.pending else None,
        )

    # --- settings ---------------------------------------------------------------------------------------------------

    async def settings_page(
        request: Request, list_id: str, values: dict[str, str] | None, errors: dict[str, str], status: int = 200
    ) -> Response:
        listed = await the_list(request, list_id)
        shown = values or {
            "name": listed.name,
            "beschreibung": listed.description,
            "richtlinie": listed.policy,
            "willkommen": listed.welcome_text,
            "archiv": "alle" if listed.archive_public else "mitglieder",
        }
        return page(
            request,
            "moderation/einstellungen",
            f"Einstellungen – {listed.name}",
            status,
            mailing_list=listed,
            base=base(list_id),
            values=shown,
            errors=errors,
            words=words,
        )

    @r.get("/{list_id}/einstellungen", response_class=HTMLResponse)
    async def settings_get(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        return await settings_page(request, list_id, None, {})

    @r.post("/{list_id}/einstellungen", response_class=HTMLResponse)
    async def settings_post(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        values = values_of(await request.form(), "name", "beschreibung", "richtlinie", "willkommen", "archiv")
        errors = {}
        if not values["name"].strip():
            errors["name"] = "Bitte geben Sie dem Verteiler einen Namen."
        if values["richtlinie"] not in words.POLICIES:
            errors["richtlinie"] = "Bitte wählen Sie, wie Menschen in den Verteiler kommen."
        if errors:
            return await settings_page(request, list_id, values, errors, 422)
        try:
            await ask(
                request,
                n.UPDATE_LIST,
                list_id=list_id,
                name=values["name"].strip(),
                description=values["beschreibung"],
                policy=values["richtlinie"],
                welcome_text=values["willkommen"],
                archive_public={"alle": True, "mitglieder": False}.get(values["archiv"]),
            )
        except PageError as exc:
            if exc.status in (403, 404):
                raise
            fields = {
                "name": "name",
                "description": "beschreibung",
                "policy": "richtlinie",
                "welcome_text": "willkommen",
            }
            errors = {
                form_field: message
                for key, message in exc.fields.items()
                for contract_field, form_field in fields.items()
                if key.endswith(contract_field)
            }
            return await settings_page(request, list_id, values, errors or {"name": exc.message}, 422)
        notice = "Die Einstellungen sind gespeichert. Sie gelten ab sofort für neue Anfragen und neue Mitglieder."
        return redirect(f"{base(list_id)}/einstellungen", notice, request)

    return r


def _who(req: n.RequestV1) -> str:
    return f"{req.display_name} ({req.address})" if req.display_name else req.address


def _decided_head(decision: str, count: int) -> str:
    done = words.DECISIONS[decision][1]
    return f"1 Anfrage {done}." if count == 1 else f"{count} Anfragen {done}."


async def _why_not_added(request: Request, list_id: str, address: str, exc: PageError) -> str:
    """The service's refusal, said more precisely where the table knows more: already a member."""
    if exc.status == 409:
        try:
            member = await one_member(request, list_id, address)
        except PageError:
            return exc.message
        if member.status == "aktiv":
            return "ist schon Mitglied"
        if member.status == "abgemeldet":
            return "hat sich selbst abgemeldet und kann sich nur selbst wieder eintragen"
    return exc.message
