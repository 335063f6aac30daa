"""The sandbox as a user runs it: `python -m sandbox up | status | down`."""
