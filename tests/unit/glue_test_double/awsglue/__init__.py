"""TEST DOUBLE of awsglue: records what the Glue entry point calls (see ../README.md)."""

CALLS: list[tuple] = []
CATALOG: dict[tuple[str, str], object] = {}  # (database, table_name) -> pandas DataFrame
SPARK = None
