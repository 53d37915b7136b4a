"""TEST DOUBLE of awsglue.job.Job: records init and commit."""

from __future__ import annotations

import awsglue


class Job:
    def __init__(self, glue_context):
        self.glue_context = glue_context

    def init(self, name: str, args: dict) -> None:
        awsglue.CALLS.append(("job.init", name))

    def commit(self) -> None:
        awsglue.CALLS.append(("job.commit",))
