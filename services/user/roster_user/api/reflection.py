"""Server reflection under both grpc.reflection.v1 and grpc.reflection.v1alpha.

grpcio-reflection implements only v1alpha. The v1 protocol has the same
messages and field numbers under a new package, so the same servicer answers
v1 clients (newer grpcurl, buf curl, Postman) through a second route.
"""

from __future__ import annotations

from collections.abc import Iterable

import grpc
from grpc_reflection.v1alpha import reflection, reflection_pb2, reflection_pb2_grpc

from roster_user.pipeline.layer import Registry

V1_SERVICE = "grpc.reflection.v1.ServerReflection"


def enable(registry: Registry, service_names: Iterable[str]) -> None:
    """Serve reflection for `service_names` (and itself) on both protocol versions."""
    names = (*service_names, reflection.SERVICE_NAME)
    servicer = reflection.aio.ReflectionServicer(names)
    reflection_pb2_grpc.add_ServerReflectionServicer_to_server(servicer, registry)  # type: ignore[no-untyped-call]
    v1_route = grpc.stream_stream_rpc_method_handler(
        servicer.ServerReflectionInfo,
        request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
        response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString,
    )
    registry.add_registered_method_handlers(V1_SERVICE, {"ServerReflectionInfo": v1_route})
