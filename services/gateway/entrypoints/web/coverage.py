"""`/register/abdeckung` (Landesgeschäftsstelle; the Landesvorstand may read it): where the network has gaps –
districts without an active office, offices without confirmed RDG supervision, without trained counsellors, with
a refresher due, without fixed hours. Every line links to where it is fixed; the same list as CSV and Excel.

The findings are the registry's coverage report (`COVERAGE`), the one the CLI and the board's Lage show.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from services.gateway.adapters.spreadsheets import XLSX_MEDIA_TYPE, write_sheet
from services.gateway.domain.board import Table, csv_bytes
from services.gateway.domain.people import Viewer
from services.gateway.entrypoints.web import calls
from services.gateway.entrypoints.web.auth import require_board
from services.gateway.entrypoints.web.context import web_of
from services.gateway.entrypoints.web.render import add_navigation, page
from shared.contracts import registry as r

PATH = "/register/abdeckung"
Reader = Annotated[Viewer, Depends(require_board)]
KINDS = {
    "kreis_ohne_stelle": ("Kreisverbände und Bezirke ohne aktive Beratungsstelle", "Beratungsstelle eintragen"),
    "ohne_rdg_aufsicht": ("Beratungsstellen ohne bestätigte Anleitung nach RDG § 6", "Anleitung eintragen"),
    "ohne_schulung": ("Beratungsstellen ohne geschulte Berater:innen", "Schulung eintragen"),
    "schulung_veraltet": ("Beratungsstellen mit fälliger Auffrischungsschulung", "Schulung eintragen"),
    "ohne_sprechzeiten": ("Beratungsstellen ohne feste Sprechzeiten", "Sprechzeiten eintragen"),
}
HEAD = ("Lücke", "Kreis oder Beratungsstelle", "Einzelheiten", "Zu beheben unter")


def fix_path(kind: str, subject_id: str) -> str:
    """Where a finding is fixed: an uncovered district by registering an office there, else the office's page."""
    if kind == "kreis_ohne_stelle":
        return f"/register/stellen/neu?kreis={subject_id}"
    return f"/register/stellen/{subject_id}"


def router() -> APIRouter:
    router_ = APIRouter(include_in_schema=False)
    add_navigation(PATH, "Abdeckung", lambda viewer: viewer.may_read_all)

    async def findings(request: Request) -> list:
        return (await calls.ask(request, r.COVERAGE, {})).findings

    def table(request: Request, found: list) -> Table:
        base = web_of(request).public_url.rstrip("/")
        rows = tuple(
            (KINDS.get(f.kind, (f.kind, ""))[0], f.name, f.detail, base + fix_path(f.kind, f.subject_id)) for f in found
        )
        return Table("abdeckung", "Abdeckung des Beratungsnetzes", HEAD, rows)

    @router_.get(PATH)
    async def overview(request: Request, viewer: Reader) -> Response:
        found = await findings(request)
        sections = [
            (kind, title, action, [f for f in found if f.kind == kind]) for kind, (title, action) in KINDS.items()
        ]
        return page(request, "verwaltung/abdeckung", "Abdeckung des Netzes", sections=sections, fix_path=fix_path,
                    total=len(found), may_change=viewer.admin)  # fmt: skip

    @router_.get(f"{PATH}.csv")
    async def as_csv(request: Request, _viewer: Reader) -> Response:
        body = csv_bytes(table(request, await findings(request)))
        return Response(body, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="abdeckung.csv"'})  # fmt: skip

    @router_.get(f"{PATH}.xlsx")
    async def as_xlsx(request: Request, _viewer: Reader) -> Response:
        made = table(request, await findings(request))
        body = write_sheet("Abdeckung", made.head, made.rows)
        return Response(body, media_type=XLSX_MEDIA_TYPE,
                        headers={"Content-Disposition": 'attachment; filename="abdeckung.xlsx"'})  # fmt: skip

    return router_
