"""Staff work and what people follow: roles, audit, project status, subscriptions, recipients,
ground reports, feedback, pending confirmations, and forgetting a chat. Keyword-only query
functions; the caller owns the session and commits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import ChatContextRow, ChatZonaRow, QueryLogRow
from db.staff_models import (
    AuditEntry,
    Broadcast,
    Delivery,
    Feedback,
    GroundReport,
    PendingAction,
    ProjectStatus,
    Recipient,
    StaffMember,
    Subscription,
)


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
) -> None:
    session.add(
        AuditEntry(
            actor_id=actor_id, action=action, target=target[:120], before=before, after=after, at=now()
        )
    )


async def audit_entries(*, session: AsyncSession, limit: int = 50) -> list[AuditEntry]:
    result = await session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit))
    return list(result.all())


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


# Subscriptions and recipients -------------------------------------------------------------------
async def subscribe(*, session: AsyncSession, chat_id: int, kind: str, key: str) -> bool:
    """True when the chat was not following it already."""
    existing = await session.exec(
        select(Subscription).where(
            Subscription.chat_id == chat_id, Subscription.kind == kind, Subscription.key == key
        )
    )
    if existing.first() is not None:
        return False
    session.add(Subscription(chat_id=chat_id, kind=kind, key=key, created_at=now()))
    return True


async def unsubscribe(*, session: AsyncSession, chat_id: int, kind: str, key: str) -> bool:
    result = await session.exec(
        delete(Subscription).where(
            col(Subscription.chat_id) == chat_id, col(Subscription.kind) == kind, col(Subscription.key) == key
        )
    )
    return bool(result.rowcount)


async def subscriptions_of(*, session: AsyncSession, chat_id: int) -> list[Subscription]:
    result = await session.exec(
        select(Subscription)
        .where(Subscription.chat_id == chat_id)
        .order_by(col(Subscription.kind), col(Subscription.key))
    )
    return list(result.all())


async def followed_by(*, session: AsyncSession, chat_id: int) -> frozenset[tuple[str, str]]:
    """Every (kind, key) the chat follows."""
    result = await session.exec(
        select(Subscription.kind, Subscription.key).where(Subscription.chat_id == chat_id)
    )
    return frozenset((kind, key) for kind, key in result.all())


async def followers(*, session: AsyncSession, keys: Iterable[tuple[str, str]]) -> set[int]:
    """Active chats following any of ``keys`` ((kind, key) pairs), each once."""
    chats: set[int] = set()
    for kind, key in keys:
        result = await session.exec(
            select(Subscription.chat_id).where(Subscription.kind == kind, Subscription.key == key)
        )
        chats.update(result.all())
    inactive = await session.exec(select(Recipient.chat_id).where(col(Recipient.active).is_(False)))
    return chats - set(inactive.all())


async def subscription_counts(*, session: AsyncSession) -> Counter[tuple[str, str]]:
    """How many chats follow each (kind, key)."""
    result = await session.exec(select(Subscription.kind, Subscription.key))
    return Counter((kind, key) for kind, key in result.all())


async def touch_recipient(*, session: AsyncSession, chat_id: int, is_group: bool) -> None:
    """Remember a chat the bot may write to; a chat that writes again is active again."""
    row = await session.get(Recipient, chat_id)
    if row is None:
        session.add(Recipient(chat_id=chat_id, is_group=is_group, active=True, updated_at=now()))
    elif not row.active:
        row.active, row.inactive_reason, row.updated_at = True, None, now()
        session.add(row)


async def active_recipients(*, session: AsyncSession) -> list[int]:
    result = await session.exec(select(Recipient.chat_id).where(col(Recipient.active).is_(True)))
    return list(result.all())


# Ground reports, feedback, pending actions --------------------------------------------------------
async def add_ground_report(
    *, session: AsyncSession, snip: str, chat_id: int, text: str, photo_file_id: str | None
) -> GroundReport:
    row = GroundReport(
        snip=snip, chat_id=chat_id, text=text[:2000], photo_file_id=photo_file_id, created_at=now()
    )
    session.add(row)
    await session.flush()
    return row


async def reports_today(*, session: AsyncSession, chat_id: int) -> int:
    since = now() - timedelta(days=1)
    result = await session.exec(
        select(func.count())
        .select_from(GroundReport)
        .where(GroundReport.chat_id == chat_id, col(GroundReport.created_at) >= since)
    )
    return int(result.one())


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


async def add_feedback(*, session: AsyncSession, query_id: int, chat_hash: str, useful: bool) -> bool | None:
    """One vote per question: True when counted, False when already rated, None when there is
    no such question in this chat (forged, or deleted by retention or /olvidarme)."""
    asked = await session.get(QueryLogRow, query_id)
    if asked is None or asked.chat_hash != chat_hash:
        return None
    existing = await session.exec(select(Feedback).where(Feedback.query_id == query_id))
    if existing.first() is not None:
        return False
    session.add(Feedback(query_id=query_id, chat_hash=chat_hash, useful=useful, at=now()))
    return True


async def create_pending(
    *, session: AsyncSession, kind: str, created_by: int, payload: dict[str, Any]
) -> PendingAction:
    row = PendingAction(kind=kind, created_by=created_by, payload=payload, created_at=now())
    session.add(row)
    await session.flush()
    return row


async def open_pending(
    *, session: AsyncSession, kind: str, created_by: int, max_age: timedelta
) -> PendingAction | None:
    """The newest draft of ``kind`` by this person, if it is recent enough."""
    result = await session.exec(
        select(PendingAction)
        .where(
            PendingAction.kind == kind,
            PendingAction.created_by == created_by,
            PendingAction.state == "draft",
            col(PendingAction.created_at) >= now() - max_age,
        )
        .order_by(col(PendingAction.id).desc())
        .limit(1)
    )
    return result.first()


async def drafts_of(*, session: AsyncSession, kind: str, created_by: int) -> list[PendingAction]:
    """Every draft of ``kind`` by this person, however old."""
    result = await session.exec(
        select(PendingAction).where(
            PendingAction.kind == kind, PendingAction.created_by == created_by, PendingAction.state == "draft"
        )
    )
    return list(result.all())


async def close_pending(*, session: AsyncSession, pending: PendingAction, state: str) -> None:
    pending.state = state
    session.add(pending)


# Forgetting a chat ---------------------------------------------------------------------------------
async def forget_chat(*, session: AsyncSession, chat_id: int, chat_hash: str) -> int:
    """Delete every row about a chat: what it follows, asked, voted, reported and was sent, its
    context and zona, and the requests made in it (or, in a private chat, by its person); returns
    how many rows went. What staff did as staff (audit log, statuses, broadcasts they wrote) is
    the municipality's record and stays."""
    removed = 0
    statements = (
        delete(Subscription).where(col(Subscription.chat_id) == chat_id),
        delete(ChatContextRow).where(col(ChatContextRow.chat_id) == chat_id),
        delete(ChatZonaRow).where(col(ChatZonaRow.chat_id) == chat_id),
        delete(GroundReport).where(col(GroundReport.chat_id) == chat_id),
        delete(Feedback).where(col(Feedback.chat_hash) == chat_hash),
        delete(QueryLogRow).where(col(QueryLogRow.chat_hash) == chat_hash),
        delete(Delivery).where(col(Delivery.chat_id) == chat_id),
        delete(PendingAction).where(
            or_(
                col(PendingAction.created_by) == chat_id,
                col(PendingAction.payload)["chat_id"].as_string() == str(chat_id),
            )
        ),
        delete(Recipient).where(col(Recipient.chat_id) == chat_id),
    )
    for statement in statements:
        result = await session.exec(statement)
        removed += int(result.rowcount or 0)
    return removed


async def recent_broadcasts(*, session: AsyncSession, limit: int = 5) -> list[Broadcast]:
    result = await session.exec(
        select(Broadcast).where(Broadcast.state != "draft").order_by(col(Broadcast.id).desc()).limit(limit)
    )
    return list(result.all())


async def feedback_counts(*, session: AsyncSession) -> tuple[int, int]:
    """(useful, not useful) votes."""
    result = await session.exec(select(Feedback.useful, func.count()).group_by(col(Feedback.useful)))
    counts = dict(result.all())
    return int(counts.get(True, 0)), int(counts.get(False, 0))


async def delivery_status_counts(*, session: AsyncSession) -> dict[str, int]:
    """Outbox deliveries of every broadcast by status (pending, sent, failed, inactive)."""
    result = await session.exec(select(Delivery.status, func.count()).group_by(col(Delivery.status)))
    return {status: int(count) for status, count in result.all()}
