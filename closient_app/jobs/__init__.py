"""Background work: the Postgres job queue, the worker, and APScheduler's periodic triggers."""
