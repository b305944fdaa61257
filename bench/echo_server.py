"""baseline-echo: a bare grpc.aio server whose GetUser returns an empty response (the ceiling)."""

from __future__ import annotations

import asyncio
import json
import signal
import sys

import grpc

from roster.user.v1 import user_service_pb2 as pb

SERVICE = pb.DESCRIPTOR.services_by_name["UserService"].full_name


async def get_user(request: pb.GetUserRequest, context: object) -> pb.GetUserResponse:
    """Do nothing and answer."""
    return pb.GetUserResponse()


async def main(address: str) -> None:
    """Serve until SIGTERM."""
    server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
    handler = grpc.unary_unary_rpc_method_handler(
        get_user,
        request_deserializer=pb.GetUserRequest.FromString,
        response_serializer=pb.GetUserResponse.SerializeToString,
    )
    server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler(SERVICE, {"GetUser": handler})]
    )
    port = server.add_insecure_port(address)
    await server.start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    host = address.rpartition(":")[0]
    # The grpcio in use: `make bench` runs this server on two of them.
    serving = {"message": "serving", "address": f"{host}:{port}", "grpcio": grpc.__version__}
    sys.stderr.write(json.dumps(serving) + "\n")
    sys.stderr.flush()
    await stop.wait()
    await server.stop(1)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
