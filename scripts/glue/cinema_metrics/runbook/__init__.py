"""The operator's runbook as commands (README "Runbook"): each reads or changes the job's state
through the same storage layer, the same lease and the same commit protocol as a run."""
