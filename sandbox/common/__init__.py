"""Code every simulator shares: the HTTP server, fault injection, request log, start-up."""

from sandbox.common.faults import FaultInjector, FaultRule
from sandbox.common.requestlog import RequestLog
from sandbox.common.server import Request, Response, Service, SimServer

__all__ = ["FaultInjector", "FaultRule", "Request", "RequestLog", "Response", "Service", "SimServer"]
