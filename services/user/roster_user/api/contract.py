"""The service names Roster serves, read from their descriptors rather than written out."""

from __future__ import annotations

from grpc_health.v1 import health
from grpc_reflection.v1alpha import reflection_pb2

from roster.user.v1 import user_service_pb2
from roster.user.v2 import user_service_pb2 as user_service_v2_pb2

USER_SERVICE = user_service_pb2.DESCRIPTOR.services_by_name["UserService"].full_name
USER_SERVICE_V2 = user_service_v2_pb2.DESCRIPTOR.services_by_name["UserService"].full_name
HEALTH_SERVICE = health.SERVICE_NAME
_REFLECTION = reflection_pb2.DESCRIPTOR.services_by_name["ServerReflection"]
REFLECTION_V1ALPHA = _REFLECTION.full_name
# v1 is the same service under the package grpc.reflection.v1 (api/reflection.py).
REFLECTION_V1 = f"grpc.reflection.v1.{_REFLECTION.name}"
