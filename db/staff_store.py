"""Staff work: who is staff, the audit log, project statuses, and reviewing the ground reports
residents file. Keyword-only query functions; the caller owns the session and commits."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.resident_models import GroundReport
from db.staff_models import AuditEntry, ProjectStatus, StaffMember


def now() -> datetime:
    return datetime.now(UTC)


# Roles and audit ---------------------------------------------------------------------------------
async def get_role(*, session: AsyncSession, user_id: int, admin_ids: Sequence[int]) -> str | None:
    """ "admin" for ADMIN_IDS and staff admins, "staff" for staff, None for everyone else."""
    if user_id in admin_ids:
        return "admin"
    member = await session.get(StaffMember, user_id)
    return member.role if member else None


async def add_staff(*, session: AsyncSession, user_id: int, role: str, added_by: int) -> bool:
    """True when the person was not staff before."""
    member = await session.get(StaffMember, user_id)
    if member is not None:
        return False
    session.add(StaffMember(user_id=user_id, role=role, added_by=added_by, added_at=now()))
    return True


async def remove_staff(*, session: AsyncSession, user_id: int) -> bool:
    member = await session.get(StaffMember, user_id)
    if member is None:
        return False
    await session.delete(member)
    return True


async def lock_admins(*, session: AsyncSession) -> set[int]:
    """The staff table's administrators, their rows locked until the transaction ends (``FOR
    UPDATE`` on PostgreSQL; SQLite has one writer at a time): two removals at once are decided
    one after the other, the second reading what the first left (a row it deleted is gone)."""
    result = await session.exec(
        select(StaffMember.user_id)
        .where(col(StaffMember.role) == "admin")
        .order_by(col(StaffMember.user_id))  # always in the same order: no deadlock
        .with_for_update()
    )
    return set(result.all())


async def get_member(*, session: AsyncSession, user_id: int) -> StaffMember | None:
    return await session.get(StaffMember, user_id)


async def author_names(*, session: AsyncSession, user_ids: Collection[int]) -> dict[int, str]:
    """The name each of ``user_ids`` last recorded a status under (``@username`` or the name
    Telegram gave), for those who recorded one."""
    if not user_ids:
        return {}
    latest = (
        select(func.max(ProjectStatus.id))
        .where(col(ProjectStatus.author_id).in_(list(user_ids)), col(ProjectStatus.author_name).is_not(None))
        .group_by(col(ProjectStatus.author_id))
    )
    result = await session.exec(
        select(ProjectStatus.author_id, ProjectStatus.author_name).where(col(ProjectStatus.id).in_(latest))
    )
    return {author: name for author, name in result.all() if name}


async def list_staff(*, session: AsyncSession) -> list[StaffMember]:
    result = await session.exec(select(StaffMember).order_by(col(StaffMember.added_at)))
    return list(result.all())


async def audit(
    *,
    session: AsyncSession,
    actor_id: int,
    action: str,
    target: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    action_id: str | None = None,
) -> None:
    """``action_id``: the id the action came with; a second entry with the same actor and id
    fails at flush (IntegrityError), which turns back the whole transaction."""
    session.add(
        AuditEntry(
            actor_id=actor_id,
            action=action,
            target=target[:120],
            before=before,
            after=after,
            at=now(),
            action_id=action_id,
        )
    )


async def action_used(*, session: AsyncSession, actor_id: int, action_id: str) -> bool:
    """Whether ``actor_id`` already did something with this action id."""
    result = await session.exec(
        select(AuditEntry.id).where(AuditEntry.actor_id == actor_id, AuditEntry.action_id == action_id)
    )
    return result.first() is not None


# Project status ---------------------------------------------------------------------------------
async def add_status(
    *,
    session: AsyncSession,
    snip: str,
    status: str,
    progress: int | None,
    note: str | None,
    author_id: int,
    author_name: str | None = None,
) -> ProjectStatus:
    row = ProjectStatus(
        snip=snip,
        status=status,
        progress=progress,
        note=note,
        author_id=author_id,
        author_name=author_name[:80] if author_name else None,
        created_at=now(),
    )
    session.add(row)
    await session.flush()
    return row


async def current_status(*, session: AsyncSession, snip: str) -> ProjectStatus | None:
    result = await session.exec(
        select(ProjectStatus)
        .where(ProjectStatus.snip == snip)
        .order_by(col(ProjectStatus.id).desc())
        .limit(1)
    )
    return result.first()


async def status_history(*, session: AsyncSession, snip: str, limit: int = 30) -> list[ProjectStatus]:
    """The project's latest ``limit`` statuses, oldest first."""
    result = await session.exec(
        select(ProjectStatus)
        .where(ProjectStatus.snip == snip)
        .order_by(col(ProjectStatus.id).desc())
        .limit(limit)
    )
    return list(reversed(result.all()))


async def current_statuses(*, session: AsyncSession) -> dict[str, ProjectStatus]:
    """The latest status of every project that has one."""
    latest = select(func.max(ProjectStatus.id)).group_by(col(ProjectStatus.snip))
    result = await session.exec(select(ProjectStatus).where(col(ProjectStatus.id).in_(latest)))
    return {row.snip: row for row in result.all()}


async def status_version(*, session: AsyncSession) -> tuple[int, int]:
    """The highest status id and how many statuses there are: it changes whenever a status is
    recorded (or one is deleted), so what shows statuses is fresh while it stays the same."""
    result = await session.exec(select(func.max(ProjectStatus.id), func.count(col(ProjectStatus.id))))
    highest, count = result.one()
    return highest or 0, count


# Reviewing ground reports -----------------------------------------------------------------------
async def ground_reports(
    *, session: AsyncSession, snip: str | None = None, unreviewed: bool = False, limit: int = 20
) -> list[GroundReport]:
    query = select(GroundReport)
    if snip is not None:
        query = query.where(GroundReport.snip == snip)
    if unreviewed:
        query = query.where(col(GroundReport.reviewed_at).is_(None))
    result = await session.exec(query.order_by(col(GroundReport.id).desc()).limit(limit))
    return list(result.all())


async def mark_report_reviewed(
    *, session: AsyncSession, report_id: int, reviewer: int
) -> GroundReport | None:
    row = await session.get(GroundReport, report_id)
    if row is None or row.reviewed_at is not None:
        return None
    row.reviewed_by, row.reviewed_at = reviewer, now()
    session.add(row)
    return row
