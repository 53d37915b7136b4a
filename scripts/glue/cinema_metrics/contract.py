"""docs/contract/ as data: source schemas, POS fields, reason codes and metric table schemas.

Everything that must agree across the job, the oracle, the generator, the SQL and the
dashboards reads its names from here, so a rename happens in one place.
"""

from __future__ import annotations

# ----------------------------------------------------------------- section 1.1: ECR and CRM
# (database, table) -> ordered {column: type}; type is one of int, bigint, str, date, datetime.
DIMENSIONS: dict[tuple[str, str], dict[str, str]] = {
    ("ecr", "sites"): {
        "site_id": "int",
        "name": "str",
        "city": "str",
        "timezone": "str",
        "opened_on": "date",
        "updated_at": "datetime",
    },
    ("ecr", "screens"): {
        "screen_id": "int",
        "site_id": "int",
        "name": "str",
        "seats": "int",
        "format": "str",
        "updated_at": "datetime",
    },
    ("ecr", "films"): {
        "film_id": "int",
        "title": "str",
        "distributor": "str",
        "genre": "str",
        "runtime_min": "int",
        "release_date": "date",
        "updated_at": "datetime",
    },
    ("ecr", "showtimes"): {
        "showtime_id": "bigint",
        "screen_id": "int",
        "film_id": "int",
        "starts_at": "datetime",
        "status": "str",
        "updated_at": "datetime",
    },
    ("crm", "customers"): {
        "customer_id": "bigint",
        "email": "str",
        "first_name": "str",
        "last_name": "str",
        "birth_date": "date",
        "home_site_id": "int",
        "created_at": "datetime",
        "updated_at": "datetime",
    },
    ("crm", "loyalty_memberships"): {
        "membership_id": "bigint",
        "customer_id": "bigint",
        "tier": "str",
        "joined_at": "datetime",
        "cancelled_at": "datetime",
        "updated_at": "datetime",
    },
}
# Columns that may be NULL (empty CSV field); every other dimension column is required.
NULLABLE: dict[tuple[str, str], frozenset[str]] = {
    ("crm", "customers"): frozenset({"birth_date", "home_site_id"}),
    ("crm", "loyalty_memberships"): frozenset({"cancelled_at"}),
}
PRIMARY_KEYS: dict[tuple[str, str], str] = {
    ("ecr", "sites"): "site_id",
    ("ecr", "screens"): "screen_id",
    ("ecr", "films"): "film_id",
    ("ecr", "showtimes"): "showtime_id",
    ("crm", "customers"): "customer_id",
    ("crm", "loyalty_memberships"): "membership_id",
}
# Personal data: never read by the job, never copied anywhere (docs/contract/sources.md).
PERSONAL_COLUMNS = frozenset({"email", "first_name", "last_name", "birth_date"})
# What the job reads of each table: the metrics need no CRM column beyond ids and membership
# dates, so nothing personal is ever loaded, validated, cached or echoed in an error.
JOB_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    key: tuple(c for c in columns if c not in PERSONAL_COLUMNS)
    for key, columns in DIMENSIONS.items()
    if key[0] == "ecr"
} | {
    ("crm", "customers"): ("customer_id",),
    ("crm", "loyalty_memberships"): ("membership_id", "customer_id", "joined_at", "cancelled_at"),
}

SCREEN_FORMATS = ("standard", "imax", "3d", "premium")
SHOWTIME_STATUSES = ("scheduled", "cancelled")
LOYALTY_TIERS = ("basic", "silver", "gold")

# ----------------------------------------------------------------- section 1.2: POS lines
CHANNELS = ("box_office", "kiosk", "online", "concession_stand")
ITEM_TYPES = ("ticket", "concession")
TICKET_TYPES = ("adult", "child", "senior", "student", "comp")
CATEGORIES = ("popcorn", "drinks", "candy", "combo", "hot_food")

# field -> JSON type: "string", "integer", "number" (JSON number or numeric string), "timestamp"
POS_FIELDS: dict[str, str] = {
    "transaction_id": "string",
    "line_no": "integer",
    "site_id": "integer",
    "terminal_id": "string",
    "sold_at": "timestamp",
    "channel": "string",
    "customer_id": "integer",
    "item_type": "string",
    "showtime_id": "integer",
    "ticket_type": "string",
    "sku": "string",
    "category": "string",
    "quantity": "integer",
    "net_amount": "number",
}
POS_REQUIRED = (
    "transaction_id",
    "line_no",
    "site_id",
    "terminal_id",
    "sold_at",
    "channel",
    "item_type",
    "sku",
    "quantity",
    "net_amount",
)
POS_REQUIRED_TICKET = ("showtime_id", "ticket_type")
POS_REQUIRED_CONCESSION = ("category",)
POS_FILE_SUFFIXES = (".jsonl", ".jsonl.gz")

# ----------------------------------------------------------------- section 1.3: reason codes
REASONS = (
    "malformed_json",
    "missing_field",
    "bad_type",
    "bad_timestamp",
    "unknown_site",
    "unknown_item_type",
    "unknown_showtime",
    "site_mismatch",
    "bad_quantity",
    "bad_amount",
    "duplicate_line",
)
# Whole files rejected before their lines are read (docs/contract/quarantine.md, "Whole files"):
# one quarantine record each, line_number null, listed in the run report's files_rejected.
FILE_REASONS = (
    "file_vanished",  # deleted (or never readable) between its event or listing and the read
    "file_unsupported_suffix",  # not .jsonl / .jsonl.gz (e.g. .json, .JSONL, a bare .gz)
    "file_too_large",  # more decompressed bytes than the limit (a gzip bomb stops here)
    "file_line_too_long",  # a line longer than the limit
    "file_too_many_lines",  # more lines than the limit
)
RAW_PREFIX_BYTES = 4096  # a quarantine record keeps at most this prefix of a line (raw_cut: true)
# The default per-file limits: a day's POS export of a large site is a few MB of ~400-byte lines.
MAX_FILE_BYTES = 64 << 20  # decompressed
MAX_LINE_BYTES = 2 << 20  # a line longer than this rejects its file (a 1 MB line is still read)
MAX_FILE_LINES = 500_000

# ----------------------------------------------------------------- section 2: time
BUSINESS_DAY_START_HOUR = 6

# ----------------------------------------------------------------- section 3: metric tables
# column kinds: id (integer), count (integer), date, money (2 dp), ratio (4 dp), str


# The metric tables are declared in metrics/ (one module each).

# Rounding (docs/contract/runs.md): money to cents, ratios to 4 decimals. Money per unit (ATP,
# spend per head, revenue per seat, per-screen average) is a quotient, so it keeps 4
# decimals like every other quotient: a reader that rounds it to cents is then within
# its tolerance, and one that keeps 4 decimals matches exactly. Dashboards show it as $.
# Rounding is half-up on exact decimal values (sums of cents are exact).
DECIMALS = {"money": 2, "money_ratio": 4, "ratio": 4}
