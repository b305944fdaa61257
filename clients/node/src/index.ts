// The package's entry point: the client, its helpers and the roster.user.v1 messages.
export {
  bearerToken,
  createRosterTransport,
  createUserClient,
  DEFAULT_RETRY_POLICY,
  DEFAULT_TIMEOUT_MS,
  idempotentCreate,
  RelistRequiredError,
  type RetryPolicy,
  ROSTER_DOMAIN,
  RosterError,
  SERVICE_CONFIG,
  type TlsOptions,
  type TokenSource,
  type UserClient,
  type UserClientOptions,
} from "./client.js";
export { listAllUsers } from "./paging.js";
export { ResumingWatch, type ResumingWatchOptions, watchResuming } from "./resuming.js";
export { rosterRegistry } from "./registry.js";
export * from "../../../gen/node/roster/user/v1/error_reason_pb.js";
export * from "../../../gen/node/roster/user/v1/user_pb.js";
export * from "../../../gen/node/roster/user/v1/user_service_pb.js";
