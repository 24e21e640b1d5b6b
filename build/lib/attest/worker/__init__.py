"""Job execution: a queue recorded in the database, the task code, and the default in-process worker."""
