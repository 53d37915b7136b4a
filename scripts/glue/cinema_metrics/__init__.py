"""Cinema metrics as code: pure transforms, local runner and tooling for the Glue job."""

__version__ = "0.1.0"
