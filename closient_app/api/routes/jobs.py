"""`GET /integrations/api/v1/jobs/{job_id}`: a sync job's status and progress (the seed's
"no sync-job status endpoint" gap). `POST .../sources/{id}/sync` (routes/sources.py) and the
OAuth callback return the job id this reads."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from closient_app.api.apps import app_router
from closient_app.api.deps import Access, SessionDep, require
from closient_app.errors import NotFound
from closient_app.models import SyncJob
from closient_app.schemas.offers import JobOut, JobProgress

router = app_router("integrations")
Reader = Annotated[Access, Depends(require("integrations:read"))]


@router.get("/jobs/{job_id}", response_model=JobOut)
def get_job(job_id: str, session: SessionDep, access: Reader) -> JobOut:
    """Progress is done/total catalog variants; poll every few seconds until `status` is
    succeeded, failed or cancelled."""
    job = session.get(SyncJob, job_id)
    if job is None:
        raise NotFound("No such organization or resource.")
    access.check_org(job.organization_id)
    return job_out(job)


def job_out(job: SyncJob) -> JobOut:
    return JobOut(
        id=job.id,
        kind=job.kind,
        source_id=job.source_id,
        status=job.status,
        progress=JobProgress(
            done=job.progress_done, total=job.progress_total, unit=job.progress_unit
        ),
        offers_upserted=job.offers_upserted,
        started_at=job.started_at,
        finished_at=job.finished_at,
        error=job.error,
    )
