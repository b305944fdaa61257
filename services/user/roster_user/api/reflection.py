"""Server reflection under both grpc.reflection.v1 and grpc.reflection.v1alpha.

grpcio-reflection implements only v1alpha, and cannot resolve method names
(ghz, grpcui and `grpcurl describe Service.Method` ask for them). This
servicer answers every request kind of the protocol from the descriptor pool,
resolving symbols through `api.symbols`. The v1 protocol has the same messages
and field numbers under a new package, so one servicer answers both; the v1
schema itself is the v1alpha file renamed, so `describe` works on either.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

import grpc
from google.protobuf import descriptor, descriptor_pb2, descriptor_pool
from grpc_reflection.v1alpha import reflection_pb2

from roster_user.api import symbols
from roster_user.api.contract import REFLECTION_V1, REFLECTION_V1ALPHA
from roster_user.pipeline.layer import Registry

V1ALPHA_SERVICE = REFLECTION_V1ALPHA
V1_SERVICE = REFLECTION_V1
_V1_FILE = "grpc/reflection/v1/reflection.proto"

Request = reflection_pb2.ServerReflectionRequest
Response = reflection_pb2.ServerReflectionResponse


class ReflectionServicer:
    """Answers each ServerReflectionInfo request from one descriptor pool."""

    def __init__(self, service_names: Iterable[str], pool: descriptor_pool.DescriptorPool) -> None:
        self._services = tuple(sorted(service_names))
        self._pool = pool

    async def info(
        self, requests: AsyncIterator[Request], context: grpc.aio.ServicerContext[Request, Response]
    ) -> AsyncIterator[Response]:
        """One response per request, in order, on a stream the client keeps open."""
        async for request in requests:
            yield self.answer(request)

    def answer(self, request: Request) -> Response:
        """The response to one request; NOT_FOUND for what the pool does not hold."""
        try:
            response = self._lookup(request)
        except KeyError:
            response = Response(
                error_response=reflection_pb2.ErrorResponse(
                    error_code=grpc.StatusCode.NOT_FOUND.value[0], error_message="not found"
                )
            )
        response.valid_host = request.host
        response.original_request.CopyFrom(request)
        return response

    def _lookup(self, request: Request) -> Response:
        kind = request.WhichOneof("message_request")
        if kind == "list_services":
            names = [reflection_pb2.ServiceResponse(name=name) for name in self._services]
            return Response(
                list_services_response=reflection_pb2.ListServiceResponse(service=names)
            )
        if kind == "file_by_filename":
            return self._files(self._pool.FindFileByName(request.file_by_filename))
        if kind == "file_containing_symbol":
            return self._files(symbols.file_containing(self._pool, request.file_containing_symbol))
        if kind == "file_containing_extension":
            wanted = request.file_containing_extension
            message = self._pool.FindMessageTypeByName(wanted.containing_type)
            extension = self._pool.FindExtensionByNumber(message, wanted.extension_number)
            return self._files(self._pool.FindFileContainingSymbol(extension.full_name))
        if kind == "all_extension_numbers_of_type":
            message = self._pool.FindMessageTypeByName(request.all_extension_numbers_of_type)
            numbers = sorted(ext.number for ext in self._pool.FindAllExtensions(message))
            return Response(
                all_extension_numbers_response=reflection_pb2.ExtensionNumberResponse(
                    base_type_name=message.full_name, extension_number=numbers
                )
            )
        raise KeyError(kind)

    @staticmethod
    def _files(file: descriptor.FileDescriptor) -> Response:
        """The file and everything it imports, so a client needs no second round trip."""
        encoded = []
        for each in symbols.with_dependencies(file):
            proto = descriptor_pb2.FileDescriptorProto()
            each.CopyToProto(proto)
            encoded.append(proto.SerializeToString())
        return Response(
            file_descriptor_response=reflection_pb2.FileDescriptorResponse(
                file_descriptor_proto=encoded
            )
        )


def _add_v1_schema(pool: descriptor_pool.DescriptorPool) -> None:
    """Describe grpc.reflection.v1 in the pool (once): the v1alpha file, renamed."""
    try:
        pool.FindFileByName(_V1_FILE)
        return
    except KeyError:
        pass
    proto = descriptor_pb2.FileDescriptorProto()
    reflection_pb2.DESCRIPTOR.CopyToProto(proto)
    proto.name = _V1_FILE
    proto.package = "grpc.reflection.v1"
    proto.ClearField("options")
    for message in proto.message_type:
        for field in message.field:
            if field.HasField("type_name"):
                field.type_name = _renamed(field.type_name)
    for method in proto.service[0].method:
        method.input_type = _renamed(method.input_type)
        method.output_type = _renamed(method.output_type)
    pool.Add(proto)


def _renamed(type_name: str) -> str:
    return type_name.replace(".grpc.reflection.v1alpha.", ".grpc.reflection.v1.", 1)


def enable(registry: Registry, service_names: Iterable[str]) -> None:
    """Serve reflection for `service_names` (and itself) on both protocol versions."""
    pool = descriptor_pool.Default()
    _add_v1_schema(pool)
    servicer = ReflectionServicer((*service_names, V1_SERVICE, V1ALPHA_SERVICE), pool)
    route = grpc.stream_stream_rpc_method_handler(
        servicer.info,
        request_deserializer=Request.FromString,
        response_serializer=Response.SerializeToString,
    )
    for service in (V1_SERVICE, V1ALPHA_SERVICE):
        registry.add_registered_method_handlers(service, {"ServerReflectionInfo": route})
