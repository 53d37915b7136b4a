"""TEST DOUBLE of awsglue.context.GlueContext: from_catalog serves awsglue.CATALOG frames."""

from __future__ import annotations

import awsglue


class _Frame:
    def __init__(self, pdf):
        self._pdf = pdf

    def toDF(self):
        return self

    def toPandas(self):
        return self._pdf.copy()


class _Creator:
    def from_catalog(self, database: str, table_name: str, transformation_ctx: str = "", **_kw):
        awsglue.CALLS.append(("from_catalog", database, table_name, transformation_ctx))
        return _Frame(awsglue.CATALOG[(database, table_name)])


class GlueContext:
    def __init__(self, sc):
        awsglue.CALLS.append(("GlueContext",))
        self.spark_session = awsglue.SPARK
        self.create_dynamic_frame = _Creator()
