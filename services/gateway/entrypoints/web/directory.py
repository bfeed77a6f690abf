"""The public directory for a person in need: search by place or postcode, filters, an office's own page with its
hours as a calendar, a variant to embed in another site (its own frame policy, see security.py) and a printable
A4 list per district. No sign-in; everything comes from the registry's directory index, held by the gateway
(`feeds.DirectoryCache`) and parsed once per version."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from services.gateway.domain import directory as d
from services.gateway.entrypoints.feeds import DirectoryCache
from services.gateway.entrypoints.web.context import web_of
from services.gateway.entrypoints.web.render import page
from shared.contracts import registry as r

BASE, EMBED, PRINT = "/verzeichnis", "/verzeichnis/einbetten", "/verzeichnis/druck"
Text = Annotated[str, Query(max_length=200)]
OfficeId = Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


@dataclass(frozen=True)
class Parsed:
    version: str
    offices: list[d.Office]
    area_options: list[tuple[str, str]]  # (key, German label) of the areas offered
    language_options: list[tuple[str, str]]


class Index:
    """The registry's directory index as offices, parsed (and its choices worked out) once per version."""

    def __init__(self) -> None:
        self._parsed: dict[str | None, Parsed] = {}
        self._counts: dict[str, int] = {}

    async def get(self, request: Request, state: str | None = None) -> Parsed:
        cache: DirectoryCache = request.app.state.directory

        async def fetch(number: int) -> tuple[str, bytes]:
            query = r.DirectoryQuery(format="index", state=state, page=number, per_page=r.DIRECTORY_PAGE_MAX)
            version, _, body = await cache.get(query)
            return version, body

        # The index comes in pages of 500 offices (a reply is one NATS message); each page is held and revalidated
        # by the cache, and parsed again only when one of them changed.
        first_version, first = await fetch(1)
        pages = [(first_version, first)]
        if first_version not in self._counts:  # how many pages: read once per version of the first page
            if len(self._counts) > 100:
                self._counts.clear()
            self._counts[first_version] = json.loads(first).get("seiten", 1) if first else 1
        count = self._counts[first_version]
        for number in range(2, count + 1):
            pages.append(await fetch(number))
        version = ",".join(v for v, _ in pages)
        held = self._parsed.get(state)
        if held is None or held.version != version:
            if len(self._parsed) > 40:  # bounded: any `land` may be asked for
                self._parsed.clear()
            offices = [o for _, body in pages for o in d.offices_from(json.loads(body))]
            areas = [(a.key, a.label) for a in d.area_choices(offices)]
            held = self._parsed[state] = Parsed(version, offices, areas, [(x, x) for x in d.language_choices(offices)])
        return held

    async def offices(self, request: Request, state: str | None = None) -> list[d.Office]:
        return (await self.get(request, state)).offices


def _state(land: str | None) -> str | None:
    code = (land or "").strip().upper()
    return code if len(code) == 2 and code.isalpha() else None


def _page_number(seite: str | None) -> int:
    return int(seite) if seite and seite.isdigit() and 0 < len(seite) < 6 else 1


def _query(ort: str, feld: list[str], sprache: str, barrierefrei: str, heute: str, land: str | None) -> dict:
    """The search as URL parameters (for paging links and the way back), empty ones left out."""
    pairs: dict[str, Any] = {"ort": ort.strip(), "feld": feld, "sprache": sprache, "land": _state(land) or ""}
    pairs |= {"barrierefrei": "ja" if barrierefrei else "", "heute": "ja" if heute else ""}
    return {k: v for k, v in pairs.items() if v}


def router() -> APIRouter:
    pages = APIRouter(include_in_schema=False)
    index = Index()

    async def searched(request: Request, base: str, template: str, **params: Any) -> Response:
        land = params.pop("land")
        seite = params.pop("seite")
        held = await index.get(request, _state(land))
        now = web_of(request).clock.now()
        query = d.Search(
            place=params["ort"].strip(),
            areas=tuple(params["feld"]),
            language=params["sprache"].strip(),
            accessible=bool(params["barrierefrei"]),
            open_today=bool(params["heute"]),
            page=_page_number(seite),
        )
        result = d.search(held.offices, query, now)
        kept = _query(**params, land=land)
        return page(
            request,
            template,
            "Sozialberatung in Ihrer Nähe finden",
            base=base,
            search=query,
            result=result,
            entries=[(o, d.today(o, now), next(iter(d.upcoming(o, now, 1)), None)) for o in result.offices],
            area_options=held.area_options,
            language_options=held.language_options,
            embed_url=f"{web_of(request).public_url.rstrip('/')}{EMBED}",
            land=_state(land) or "",
            paging_href=f"{base}?{urlencode({**kept, 'seite': ''}, doseq=True)}".removesuffix("="),
            back_query=urlencode(kept, doseq=True),
        )

    @pages.get(BASE)
    async def search_page(
        request: Request,
        ort: Text = "",
        feld: Annotated[list[str], Query(max_length=20)] = [],  # noqa: B006 - FastAPI's way to declare a list
        sprache: Text = "",
        barrierefrei: Text = "",
        heute: Text = "",
        seite: Text = "",
        land: Text = "",
    ) -> Response:
        return await searched(
            request, BASE, "verzeichnis/suche", ort=ort, feld=feld, sprache=sprache, barrierefrei=barrierefrei,
            heute=heute, seite=seite, land=land,
        )  # fmt: skip

    @pages.get(EMBED)
    async def embedded_search(
        request: Request,
        ort: Text = "",
        feld: Annotated[list[str], Query(max_length=20)] = [],  # noqa: B006
        sprache: Text = "",
        barrierefrei: Text = "",
        heute: Text = "",
        seite: Text = "",
        land: Text = "",
    ) -> Response:
        return await searched(
            request, EMBED, "verzeichnis/eingebettet", ort=ort, feld=feld, sprache=sprache,
            barrierefrei=barrierefrei, heute=heute, seite=seite, land=land,
        )  # fmt: skip

    @pages.get(PRINT)
    async def print_list(request: Request, kreis: Text = "", land: Text = "") -> Response:
        offices = await index.offices(request, _state(land))
        groups = d.districts(offices)
        names = [name for name, _ in groups]
        shown = groups
        missing = ""
        if kreis.strip():
            shown = [(name, members) for name, members in groups if d.normalized(name) == d.normalized(kreis)]
            missing = "" if shown else kreis.strip()
        return page(
            request,
            "verzeichnis/druck",
            f"Beratungsstellen im Kreisverband {shown[0][0]}"
            if kreis.strip() and shown
            else "Beratungsstellen zum Ausdrucken",
            status=404 if missing else 200,
            groups=shown if not missing else [],
            district_options=[(name, name) for name in names],
            chosen=kreis.strip(),
            missing=missing,
            land=_state(land) or "",
            day=web_of(request).clock.today(),
        )

    async def one(request: Request, office_id: str) -> d.Office | None:
        return next((o for o in await index.offices(request) if o.id == office_id), None)

    async def office_page(request: Request, office_id: str, base: str, template: str, zurueck: str) -> Response:
        office = await one(request, office_id)
        if office is None:
            return page(
                request,
                "fehler",
                "Beratungsstelle nicht gefunden",
                status=404,
                message="Diese Beratungsstelle steht nicht (mehr) im Verzeichnis. Bitte suchen Sie noch einmal.",
            )
        now = web_of(request).clock.now()
        return page(
            request,
            template,
            office.name,
            base=base,
            office=office,
            today=d.today(office, now),
            upcoming=d.upcoming(office, now, 3),
            back=f"{base}?{zurueck}" if zurueck else base,
        )

    @pages.get(f"{EMBED}/{{office_id}}")
    async def embedded_office(request: Request, office_id: OfficeId, zurueck: Text = "") -> Response:
        return await office_page(request, office_id, EMBED, "verzeichnis/eingebettet_stelle", _back(zurueck))

    @pages.get(f"{BASE}/{{office_id}}.ics")
    async def office_calendar(request: Request, office_id: OfficeId) -> Response:
        cache: DirectoryCache = request.app.state.directory
        _, media_type, body = await cache.get(r.DirectoryQuery(format="ics", record_id=office_id))
        return Response(
            body,
            media_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="sprechzeiten-{office_id[:12]}.ics"'},
        )

    @pages.get(f"{BASE}/{{office_id}}")
    async def office(request: Request, office_id: OfficeId, zurueck: Text = "") -> Response:
        return await office_page(request, office_id, BASE, "verzeichnis/stelle", _back(zurueck))

    return pages


def _back(zurueck: str) -> str:
    """The search to go back to: only its own parameters, re-encoded (nothing else rides along)."""
    known = {"ort", "feld", "sprache", "barrierefrei", "heute", "land", "seite"}
    pairs = {k: v for k, v in parse_qs(zurueck).items() if k in known}
    return urlencode(pairs, doseq=True)
