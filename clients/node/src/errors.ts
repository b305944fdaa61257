// Turns the google.rpc.Status a Roster server sends in grpc-status-details-bin
// into one typed error, so callers branch on the ErrorInfo reason rather than
// on message text. It wraps the ConnectError instead of extending it, because
// connect-es re-wraps any error whose class is not exactly ConnectError.
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type BadRequest,
  BadRequestSchema,
  type ErrorInfo,
  ErrorInfoSchema,
  type ResourceInfo,
  ResourceInfoSchema,
} from "../../../gen/node/google/rpc/error_details_pb.js";
import { ErrorReason, ErrorReasonSchema } from "../../../gen/node/roster/user/v1/error_reason_pb.js";

/** The ErrorInfo domain of every error a Roster user service sends. */
export const ROSTER_DOMAIN = "user.roster.dev";

/** A failed Roster call with its decoded google.rpc error details. */
export class RosterError extends Error {
  override readonly name: string = "RosterError";
  /** The gRPC status code. */
  readonly code: Code;
  /** ErrorInfo.reason as sent, e.g. "ERROR_REASON_ETAG_MISMATCH"; "" without ErrorInfo. */
  readonly reason: string;
  /** The reason as the contract's enum; UNSPECIFIED for reasons it does not know. */
  readonly errorReason: ErrorReason;
  /** ErrorInfo.domain; "user.roster.dev" for errors from the service itself. */
  readonly domain: string;
  /** ErrorInfo.metadata, e.g. the correlation_id of an INTERNAL error. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly errorInfo: ErrorInfo | undefined;
  /** Field violations of an INVALID_ARGUMENT error. */
  readonly badRequest: BadRequest | undefined;
  /** The resource of a NOT_FOUND or ALREADY_EXISTS error. */
  readonly resourceInfo: ResourceInfo | undefined;
  override readonly cause: ConnectError;

  constructor(cause: ConnectError) {
    super(cause.message, { cause });
    this.cause = cause;
    this.code = cause.code;
    this.errorInfo = cause.findDetails(ErrorInfoSchema)[0];
    this.badRequest = cause.findDetails(BadRequestSchema)[0];
    this.resourceInfo = cause.findDetails(ResourceInfoSchema)[0];
    this.reason = this.errorInfo?.reason ?? "";
    this.domain = this.errorInfo?.domain ?? "";
    this.metadata = { ...this.errorInfo?.metadata };
    this.errorReason =
      ErrorReasonSchema.values.find((v) => v.name === this.reason)?.number ?? ErrorReason.UNSPECIFIED;
  }

  /** The status code's gRPC name, e.g. "ABORTED". */
  get codeName(): string {
    // connect-es spells it "Canceled"; gRPC spells it "CANCELLED".
    if (this.code === Code.Canceled) {
      return "CANCELLED";
    }
    return Code[this.code].replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
  }
}

/** OUT_OF_RANGE REVISION_NOT_RETAINED: list again, then watch from the list's revision. */
export class RelistRequiredError extends RosterError {
  override readonly name = "RelistRequiredError";
}

/** Wraps any error as a RosterError (RelistRequiredError when it says so); one already wrapped is returned as is. */
export function toRosterError(err: unknown): RosterError {
  if (err instanceof RosterError) {
    return err;
  }
  const wrapped = new RosterError(ConnectError.from(err));
  return wrapped.errorReason === ErrorReason.REVISION_NOT_RETAINED
    ? new RelistRequiredError(wrapped.cause)
    : wrapped;
}

/** Re-throws the error that ends a stream as a RosterError. */
export async function* rethrowing<T>(messages: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (err) {
    throw toRosterError(err);
  }
}
