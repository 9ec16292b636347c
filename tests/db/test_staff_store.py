"""Staff data lives apart from plan data: a plan reload keeps it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.plan_store import save_plan
from db.staff_store import add_status, current_status, followers, subscribe
from tests.factories import make_plan


async def test_status_and_subscriptions_survive_a_plan_reload(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    plan = make_plan()
    snip = plan.projects[0].snip
    async with sessionmaker() as session:
        await save_plan(session=session, plan=plan, source="first")
        await add_status(
            session=session, snip=snip, status="en_ejecucion", progress=40, note="zanjeo", author_id=7
        )
        await subscribe(session=session, chat_id=-100123, kind="proyecto", key=snip)
        await session.commit()
    async with sessionmaker() as session:
        await save_plan(session=session, plan=plan, source="reloaded")
        await session.commit()
    async with sessionmaker() as session:
        status = await current_status(session=session, snip=snip)
        assert status is not None
        assert (status.status, status.progress, status.note) == ("en_ejecucion", 40, "zanjeo")
        assert await followers(session=session, keys=[("proyecto", snip)]) == {-100123}
