"""Test harness: run playbooks through real ansible-playbook and read their results."""

from tests.harness.ansible import AnsibleRunner, PlaybookRun, TaskResult

__all__ = ["AnsibleRunner", "PlaybookRun", "TaskResult"]
