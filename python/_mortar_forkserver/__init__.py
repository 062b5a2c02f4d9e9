"""Mortar's fork server: a Python process with `awsglue`, `_mortar` and the
modules a Glue script pulls in already imported, which forks one child per job
run and runs the run's script in it as a fresh `__main__` (see README.md).
Started by the server's warm pool (src/jobs/warm_pool.h), never by scripts."""
