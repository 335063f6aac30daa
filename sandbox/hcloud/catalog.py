"""What every project sees the same: locations, server types and system images.

Figures (coordinates, sizes, prices) are plausible public facts rounded by
us; the sandbox does not promise current prices. Server types follow
Hetzner's families: ``cx``/``cax`` (cost-optimized x86/Arm, EU only),
``cpx`` (all locations, including ``ash``) and ``ccx`` (dedicated vCPU).
"""

from __future__ import annotations

from typing import Any

from sandbox.common.server import Response
from sandbox.hcloud.calls import Call, Route, answer
from sandbox.hcloud.errors import not_found
from sandbox.hcloud.inputs import query_choices
from sandbox.hcloud.pagination import list_answer, sort_choices
from sandbox.hcloud.world import label_filter

LOCATIONS: list[dict[str, Any]] = [
    {
        "id": 1,
        "name": "fsn1",
        "description": "Falkenstein DC Park 1",
        "country": "DE",
        "city": "Falkenstein",
        "latitude": 50.47612,
        "longitude": 12.370071,
        "network_zone": "eu-central",
    },
    {
        "id": 2,
        "name": "nbg1",
        "description": "Nuremberg DC Park 1",
        "country": "DE",
        "city": "Nuremberg",
        "latitude": 49.452102,
        "longitude": 11.076665,
        "network_zone": "eu-central",
    },
    {
        "id": 3,
        "name": "hel1",
        "description": "Helsinki DC Park 1",
        "country": "FI",
        "city": "Helsinki",
        "latitude": 60.169855,
        "longitude": 24.938379,
        "network_zone": "eu-central",
    },
    {
        "id": 4,
        "name": "ash",
        "description": "Ashburn, VA",
        "country": "US",
        "city": "Ashburn, VA",
        "latitude": 39.045821,
        "longitude": -77.487073,
        "network_zone": "us-east",
    },
    {
        "id": 5,
        "name": "hil",
        "description": "Hillsboro, OR",
        "country": "US",
        "city": "Hillsboro, OR",
        "latitude": 45.54222,
        "longitude": -122.951924,
        "network_zone": "us-west",
    },
    {
        "id": 6,
        "name": "sin",
        "description": "Singapore",
        "country": "SG",
        "city": "Singapore",
        "latitude": 1.283333,
        "longitude": 103.833333,
        "network_zone": "ap-southeast",
    },
]
LOCATION_BY_NAME = {location["name"]: location for location in LOCATIONS}
LOCATION_BY_ID = {location["id"]: location for location in LOCATIONS}
EU = ("fsn1", "nbg1", "hel1")
EVERYWHERE = tuple(LOCATION_BY_NAME)
TB = 1024**4
INCLUDED_TRAFFIC = {"eu-central": 20 * TB, "us-east": 1 * TB, "us-west": 1 * TB, "ap-southeast": TB // 2}
VAT = 1.19

# (id, name, cores, memory GB, disk GB, cpu_type, architecture, category, monthly net EUR, locations)
_SERVER_TYPES = [
    (114, "cx23", 2, 4.0, 40, "shared", "x86", "cost_optimized", 3.49, EU),
    (115, "cx33", 4, 8.0, 80, "shared", "x86", "cost_optimized", 5.49, EU),
    (108, "cpx12", 1, 2.0, 40, "shared", "x86", "regular_purpose", 6.49, EVERYWHERE),
    (109, "cpx22", 2, 4.0, 80, "shared", "x86", "regular_purpose", 9.49, EVERYWHERE),
    (110, "cpx32", 4, 8.0, 160, "shared", "x86", "regular_purpose", 16.49, EVERYWHERE),
    (45, "cax11", 2, 4.0, 40, "shared", "arm", "cost_optimized", 3.79, EU),
    (93, "cax21", 4, 8.0, 80, "shared", "arm", "cost_optimized", 6.49, EU),
    (96, "ccx13", 2, 8.0, 80, "dedicated", "x86", "general_purpose", 12.49, EVERYWHERE),
]


def _money(net: float) -> dict[str, str]:
    return {"net": f"{net:.10f}", "gross": f"{net * VAT:.16f}"}


def _server_type(spec: tuple[Any, ...]) -> dict[str, Any]:
    type_id, name, cores, memory, disk, cpu_type, architecture, category, monthly, locations = spec
    return {
        "id": type_id,
        "name": name,
        "description": name.upper(),
        "cores": cores,
        "memory": memory,
        "disk": disk,
        "deprecated": False,
        "prices": [
            {
                "location": location,
                "price_hourly": _money(round(monthly / 730, 4)),
                "price_monthly": _money(monthly),
                "included_traffic": INCLUDED_TRAFFIC[LOCATION_BY_NAME[location]["network_zone"]],
                "price_per_tb_traffic": _money(1.0),
            }
            for location in locations
        ],
        "storage_type": "local",
        "cpu_type": cpu_type,
        "category": category,
        "architecture": architecture,
        "deprecation": None,
        "locations": [
            {"id": LOCATION_BY_NAME[location]["id"], "name": location, "deprecation": None, "recommended": True, "available": True} for location in locations
        ],
    }


SERVER_TYPES = [_server_type(spec) for spec in _SERVER_TYPES]
SERVER_TYPE_BY_ID = {server_type["id"]: server_type for server_type in SERVER_TYPES}

# (id, name, description, os flavor, os version, architecture, created)
_IMAGES = [
    (67794396, "ubuntu-22.04", "Ubuntu 22.04", "ubuntu", "22.04", "x86", "2022-04-21T13:32:38+00:00"),
    (103908070, "ubuntu-22.04", "Ubuntu 22.04", "ubuntu", "22.04", "arm", "2022-04-21T13:32:38+00:00"),
    (161547269, "ubuntu-24.04", "Ubuntu 24.04", "ubuntu", "24.04", "x86", "2024-04-25T10:24:52+00:00"),
    (161547270, "ubuntu-24.04", "Ubuntu 24.04", "ubuntu", "24.04", "arm", "2024-04-25T10:24:52+00:00"),
    (114690387, "debian-12", "Debian 12", "debian", "12", "x86", "2023-06-13T06:00:02+00:00"),
    (114690389, "debian-12", "Debian 12", "debian", "12", "arm", "2023-06-13T06:00:02+00:00"),
]
IMAGES = [
    {
        "id": image_id,
        "type": "system",
        "status": "available",
        "name": name,
        "description": description,
        "image_size": None,
        "disk_size": 5,
        "created": created,
        "created_from": None,
        "bound_to": None,
        "os_flavor": flavor,
        "os_version": version,
        "rapid_deploy": True,
        "protection": {"delete": False},
        "deprecated": None,
        "deleted": None,
        "labels": {},
        "architecture": architecture,
    }
    for image_id, name, description, flavor, version, architecture, created in _IMAGES
]
IMAGE_BY_ID = {image["id"]: image for image in IMAGES}


def location(ref: int | str) -> dict[str, Any] | None:
    return LOCATION_BY_ID.get(ref) if isinstance(ref, int) else LOCATION_BY_NAME.get(ref)


def server_type(ref: int | str) -> dict[str, Any] | None:
    if isinstance(ref, int):
        return SERVER_TYPE_BY_ID.get(ref)
    return next((candidate for candidate in SERVER_TYPES if candidate["name"] == ref), None)


def image(ref: int | str, architecture: str) -> dict[str, Any] | None:
    """An image by ID, or by name for the architecture the server type needs."""
    if isinstance(ref, int):
        return IMAGE_BY_ID.get(ref)
    return next((candidate for candidate in IMAGES if candidate["name"] == ref and candidate["architecture"] == architecture), None)


def available_in(server_type_record: dict[str, Any], location_name: str) -> bool:
    return any(entry["name"] == location_name and entry["available"] for entry in server_type_record["locations"])


def included_traffic(location_name: str) -> int:
    return INCLUDED_TRAFFIC[LOCATION_BY_NAME[location_name]["network_zone"]]


# -- endpoints ----------------------------------------------------------------
def _by_name(call: Call, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    name = call.request.arg("name")
    return [record for record in records if name is None or record["name"] == name]


def list_locations(call: Call) -> Response:
    body, headers = list_answer(call.request, "locations", _by_name(call, LOCATIONS), dict, sort_choices("id", "name"))
    return answer(200, body, headers)


def get_location(call: Call) -> Response:
    found = LOCATION_BY_ID.get(call.id())
    if found is None:
        raise not_found("location", call.params["id"])
    return answer(200, {"location": dict(found)})


def list_server_types(call: Call) -> Response:
    body, headers = list_answer(call.request, "server_types", _by_name(call, SERVER_TYPES), dict, sort_choices("id"))
    return answer(200, body, headers)


def get_server_type(call: Call) -> Response:
    found = SERVER_TYPE_BY_ID.get(call.id())
    if found is None:
        raise not_found("server_type", call.params["id"])
    return answer(200, {"server_type": found})


def list_images(call: Call) -> Response:
    request = call.request
    types = set(query_choices(request, "type", frozenset({"system", "app", "snapshot", "backup"})))
    statuses = set(query_choices(request, "status", frozenset({"available", "creating", "unavailable"})))
    architectures = set(query_choices(request, "architecture", frozenset({"x86", "arm"})))
    bound_to = request.args("bound_to")
    selector = request.arg("label_selector")
    matches = label_filter(selector)
    chosen = [
        candidate
        for candidate in _by_name(call, IMAGES)
        if (not types or candidate["type"] in types)
        and (not statuses or candidate["status"] in statuses)
        and (not architectures or candidate["architecture"] in architectures)
        and (not bound_to or str(candidate["bound_to"]) in bound_to)
        and matches(candidate)
    ]
    body, headers = list_answer(request, "images", chosen, dict, sort_choices("id", "name", "created"))
    return answer(200, body, headers)


def get_image(call: Call) -> Response:
    found = IMAGE_BY_ID.get(call.id())
    if found is None:
        raise not_found("image", call.params["id"])
    return answer(200, {"image": found})


ROUTES = [
    Route("GET", "/locations", list_locations),
    Route("GET", "/locations/{id}", get_location),
    Route("GET", "/server_types", list_server_types),
    Route("GET", "/server_types/{id}", get_server_type),
    Route("GET", "/images", list_images),
    Route("GET", "/images/{id}", get_image),
]
