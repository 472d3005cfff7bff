# The read API, events and alerts (issue 11): tests and benchmarks.
