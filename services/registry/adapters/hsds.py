"""The Open Referral HSDS 3.1 API's answers: a `Page` of one collection, or one record by its id.

A page counts and renders only what it shows, so page 1 of 10,000 offices stays cheap. `size` is the
number of records on this page (HSDS: "the number of entities in the current page"), not the limit.
"""

from __future__ import annotations

from collections.abc import Callable

from services.registry.adapters import formats
from services.registry.domain.directory import PublicOffice

VERSION = "3.1"
Unit = list[PublicOffice]  # what one record is made of: one office, or all offices of one operator


def _by_operator(offices: list[PublicOffice]) -> list[Unit]:
    groups: dict[str, Unit] = {}
    for o in offices:
        groups.setdefault(o.operator, []).append(o)
    return list(groups.values())


# collection -> (its units, their id, how one is rendered)
COLLECTIONS: dict[
    str, tuple[Callable[[list[PublicOffice]], list[Unit]], Callable[[Unit], str], Callable[[Unit], dict]]
] = {
    "services": (
        lambda offices: [[o] for o in offices],
        lambda u: u[0].id,
        lambda u: formats.hsds_service(u[0], formats.hsds_organization_id(u[0])),
    ),
    "organizations": (_by_operator, lambda u: formats.hsds_organization_id(u[0]), formats.hsds_organization),
    "service_at_locations": (
        lambda offices: [[o] for o in offices],
        lambda u: formats.hsds_service_at_location_id(u[0]),
        lambda u: formats.hsds_service_at_location(u[0]),
    ),
}


def page(offices: list[PublicOffice], collection: str, number: int, per_page: int) -> dict:
    units, _, render = COLLECTIONS[collection]
    everything = units(offices)
    contents = [render(u) for u in everything[(number - 1) * per_page : number * per_page]]
    pages = -(-len(everything) // per_page)
    return {
        "total_items": len(everything),
        "total_pages": pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": not contents,
        "contents": contents,
    }


def record(offices: list[PublicOffice], collection: str, record_id: str) -> dict | None:
    units, identify, render = COLLECTIONS[collection]
    return next((render(u) for u in units(offices) if identify(u) == record_id), None)
