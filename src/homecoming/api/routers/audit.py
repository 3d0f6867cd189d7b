"""/audit: verify the tamper-evident chain."""

from homecoming.api.schemas import GUARDED, AuditFault, AuditReport
from homecoming.domain.roles import Capability
from homecoming.http.deps import DatabaseDep
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import audit

router = Router(
    prefix="/audit",
    tags=["audit"],
    dependencies=[requires(Capability.AUDIT_VERIFY)],
    responses=GUARDED,
)


@router.get("/verify")
def verify(db: DatabaseDep) -> AuditReport:
    """Re-hash the chain and name every edited, inserted or deleted entry."""
    report = audit.verify(db)
    return AuditReport(
        ok=report.ok,
        entries=report.entries,
        head_hash=report.head_hash,
        faults=[AuditFault(entry=f.entry_id, reason=f.reason) for f in report.faults],
    )
