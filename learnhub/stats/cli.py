"""`flask stats ...`: statistics tasks for the command line."""

from flask.cli import AppGroup

stats_cli = AppGroup("stats", help="Union statistics.")
