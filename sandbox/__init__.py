"""Offline stand-ins for the services this collection drives.

Test infrastructure only: never shipped in the built collection (see
galaxy.yml build_ignore). Each simulator speaks its service's wire protocol so
that the real SDKs (hcloud, cloudflare, boto3, onepassword-sdk) run unchanged
against it.
"""
