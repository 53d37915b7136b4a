"""Monthly AWS cost model: this design (from an environment's tfvars) vs the seed design.

formulas: pure price formulas; schedule: cron/rate -> runs per month; inputs: tfvars,
workload and price list readers; model: line items per design; report: text, JSON,
Markdown and the chart; cli: `cinema-metrics cost`.
"""
