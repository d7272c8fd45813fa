"""Ingest jobs: one worker thread runs them in turn, and reports progress while it works.

One writer at a time suits the store (SQLite takes one), and the spaCy pipeline is loaded
once and kept. A job first fetches its URLs; any document that cannot be read rejects the
whole job before anything is stored. Then each article is extracted and stored in its own
transaction, as ``bilat ingest`` does.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..pipeline import process_documents
from ..query import headline
from ..records import Document, Problem
from ..store import IngestReport, Store
from .documents import fetched_document

log = logging.getLogger("bilat.server")
KEEP_JOBS = 200


@dataclass
class Job:
    id: str
    documents: list[Document]
    urls: list[str]
    state: str = "queued"  # queued, fetching, extracting, done, failed
    total: int = 0
    done: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    result: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "state": self.state, "total": self.total, "done": self.done,
                "problems": list(self.problems), "result": self.result}


def problem_dict(found: Problem) -> dict[str, Any]:
    return {"code": found.code, "message": found.message, "document": found.path}


class IngestQueue:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bilat-ingest")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def submit(self, documents: list[Document], urls: list[str]) -> tuple[Job, Future[Job]]:
        job = Job(id=uuid.uuid4().hex[:16], documents=documents, urls=urls,
                  total=len(urls) or len(documents))
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP_JOBS:
                self._jobs.popitem(last=False)
        return job, self._worker.submit(self._run, job)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def shutdown(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)

    def _run(self, job: Job) -> Job:
        try:
            if job.urls:
                self._fetch_all(job)
            if not job.problems:
                self._ingest(job)
        except Exception as error:  # the worker must outlive one bad job
            log.exception("ingest job %s failed", job.id)
            job.problems.append({"code": "B503", "message": f"internal error: {error}",
                                 "document": None})
        job.state = "failed" if job.problems else "done"
        return job

    def _fetch_all(self, job: Job) -> None:
        job.state = "fetching"
        with httpx.Client(headers={"user-agent": "bilat"}) as client:
            for url in job.urls:
                found = fetched_document(client, url)
                if isinstance(found, Problem):
                    job.problems.append(problem_dict(found))
                else:
                    job.documents.append(found)
                job.done += 1

    def _ingest(self, job: Job) -> None:
        job.state, job.total, job.done = "extracting", len(job.documents), 0
        report = IngestReport()
        outcomes = []
        for result in process_documents(job.documents):
            known, first_event = report.known, len(report.event_ids)
            self.store.ingest_result(result, report)
            outcomes.append({"document": result.article.id, "title": result.article.title,
                             "stored": report.known == known,
                             "events": [self._brief(i) for i in
                                        dict.fromkeys(report.event_ids[first_event:])]})
            job.done += 1
        job.result = {"articles": report.articles, "known": report.known,
                      "near_duplicates": report.near_duplicates,
                      "events_new": report.events_new, "events_merged": report.events_merged,
                      "documents": outcomes}

    def _brief(self, event_id: str) -> dict[str, Any]:
        found = self.store.get_event(event_id) or {}
        return {"id": event_id, "type": found.get("type"), "countries": found.get("countries"),
                "date": found.get("date"), "headline": headline(found)}

