// A real gRPC server on 127.0.0.1:0 (connect-node over HTTP/2) for client tests
// that need the server to misbehave on purpose: fail, stall or attach details.
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { ServiceImpl } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { UserService } from "../../../gen/node/roster/user/v1/user_service_pb.js";

/** A running server: where it listens and how to stop it. */
export interface LocalServer {
  readonly address: string;
  close(): Promise<void>;
}

/** Serves the given UserService methods over gRPC until close(). */
export async function startUserService(impl: Partial<ServiceImpl<typeof UserService>>): Promise<LocalServer> {
  const handler = connectNodeAdapter({
    grpc: true,
    connect: false,
    grpcWeb: false,
    routes: (router) => router.service(UserService, impl),
  });
  const server = http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Clients keep HTTP/2 sessions open; end them so close() completes.
        for (const session of sessions) {
          session.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
