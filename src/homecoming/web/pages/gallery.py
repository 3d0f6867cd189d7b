"""The debrief gallery: photos shown to a returned person, their answers recorded as testimony.

Split from `tracing.py` along its section; it shares that module's guards and labels.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from homecoming.domain.dates import DateParseError
from homecoming.domain.roles import Capability, allows
from homecoming.errors import HomecomingError, InvalidInput, NotFound
from homecoming.http.deps import PERSONAL_FILE_HEADERS, DatabaseDep, SettingsDep
from homecoming.http.routing import Router
from homecoming.services import (
    inquiries,
    overview,
    testimonies,
)
from homecoming.services.users import Principal
from homecoming.store.db import Database
from homecoming.web import forms
from homecoming.web.labels import N_
from homecoming.web.pages.tracing import (
    Reader,
    Writer,
)
from homecoming.web.templating import render

router = Router(prefix="/ui", include_in_schema=False)
ANSWERS: dict[str, str] = {
    "recognised": N_("Recognised"),
    "not_recognised": N_("Not recognised"),
    "unsure": N_("Unsure"),
}


# --- the debrief gallery --------------------------------------------------------------------


@router.get("/gallery")
def gallery_page(
    request: Request,
    db: DatabaseDep,
    user: Reader,
    unit: Annotated[str, Query(max_length=100)] = "",
    region: Annotated[str, Query(max_length=100)] = "",
    facility: Annotated[str, Query(max_length=200)] = "",
    testimony: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    """Photos of open inquiries to show a released person, by unit, region or facility."""
    return _gallery(request, db, user, unit, region, facility, testimony)


def _gallery(
    request: Request,
    db: Database,
    user: Principal,
    unit: str,
    region: str,
    facility: str,
    testimony: int | None,
    *,
    error: HomecomingError | None = None,
    status: int = 200,
) -> HTMLResponse:
    photos = inquiries.gallery(db, unit=unit, region=region, facility=facility)
    answered: dict[int, str] = {}
    if testimony is not None:
        answered = {a["photo_id"]: a["answer"] for a in testimonies.show(db, testimony).answers}
    return render(
        request,
        "gallery.html",
        user=user,
        active="gallery",
        status=status,
        photos=photos,
        unit=unit,
        region=region,
        facility=facility,
        testimony=testimony,
        answered=answered,
        testimonies=overview.recent_testimonies(db),
        may_write=allows(user.role, Capability.INQUIRIES_WRITE),
        answers=ANSWERS,
        error=error,
    )


@router.get("/gallery/photos/{photo_id}")
def gallery_photo(db: DatabaseDep, settings: SettingsDep, user: Reader, photo_id: int) -> Response:
    """A family's photo (never cached: it is personal data)."""
    data, media_type = inquiries.read_photo(db, data_dir=settings.data_dir, photo_id=photo_id)
    return Response(content=data, media_type=media_type, headers=PERSONAL_FILE_HEADERS)


@router.post("/gallery/testimonies")
async def start_debrief(request: Request, db: DatabaseDep, user: Writer) -> Response:
    """Record a released person's testimony (a sighting a line); their debrief follows."""
    form = await request.form()
    facility = forms.text(form, "facility", limit=200)
    seen_when = forms.text(form, "seen_when", limit=20)
    try:
        lines = [ln.strip() for ln in forms.text(form, "sightings", limit=20_000).splitlines()]
        sightings = [
            testimonies.sighting_from_words(line, facility=facility, seen_when=seen_when)
            for line in lines
            if line
        ]
        done = testimonies.record_testimony(
            db,
            witness=forms.text(form, "witness", limit=300),
            sightings=sightings,
            actor=user.username,
            place=forms.text(form, "place", limit=300),
        )
    except (InvalidInput, NotFound, DateParseError) as refused:
        error = refused if isinstance(refused, HomecomingError) else InvalidInput(str(refused))
        return _gallery(request, db, user, "", "", "", None, error=error, status=422)
    return RedirectResponse(f"/ui/gallery?testimony={done.id}", status_code=303)


@router.post("/gallery/answers")
async def answer_photo(request: Request, db: DatabaseDep, user: Writer) -> Response:
    """What the released person said on seeing a photo; a recognition becomes a lead."""
    form = await request.form()
    testimony = forms.whole(form, "testimony", label="the testimony")
    back = {k: forms.text(form, k, limit=200) for k in ("unit", "region", "facility")}
    try:
        if testimony is None:
            raise InvalidInput("choose the testimony (the released person) first")
        answer = forms.text(form, "answer")
        if answer not in ANSWERS:
            raise InvalidInput("answer recognised, not recognised or unsure")
        testimonies.record_answer(
            db,
            testimony_id=testimony,
            photo_id=forms.whole(form, "photo", label="the photo") or 0,
            answer=testimonies.Answer(answer),
            facility=forms.text(form, "answer_facility", limit=200),
            seen_when=forms.text(form, "answer_seen_when", limit=20),
            notes=forms.text(form, "notes", limit=1_000),
            actor=user.username,
        )
    except (InvalidInput, NotFound, DateParseError) as refused:
        error = refused if isinstance(refused, HomecomingError) else InvalidInput(str(refused))
        return _gallery(request, db, user, **back, testimony=testimony, error=error, status=422)
    query = "&".join(f"{k}={v}" for k, v in back.items() if v)
    return RedirectResponse(
        f"/ui/gallery?testimony={testimony}{'&' + query if query else ''}", status_code=303
    )
