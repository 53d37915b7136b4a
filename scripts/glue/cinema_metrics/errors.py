"""Errors shared across the package."""


class CliError(Exception):
    """A problem the user can fix (bad flag, broken file, missing tool).

    The CLI prints it as one line on stderr and exits with status 2; the message names
    the file or setting and the fix.
    """
