"""The printable, accessible HTML page of the directory (Jinja2, autoescaped)."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from services.registry.domain.directory import PublicOffice


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("services.registry.adapters", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def directory_page(offices: list[PublicOffice], generated: datetime, title: str) -> str:
    places = list(dict.fromkeys(o.city for o in offices))
    return (
        _environment()
        .get_template("directory.html.j2")
        .render(offices=offices, places=places, generated=generated, title=title)
    )
