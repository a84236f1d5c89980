"""Operator tooling: the project-local PostgreSQL cluster, secrets bootstrap, demo seed."""
