package dev.roster.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.ResourceInfo;
import dev.roster.user.v1.ErrorReason;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Optional;

/**
 * A failed call to UserService: the gRPC status code plus the {@code google.rpc} details the
 * server attached (ErrorInfo always; BadRequest for INVALID_ARGUMENT; ResourceInfo for NOT_FOUND
 * and ALREADY_EXISTS). Callers branch on {@link #code()} and {@link #reason()}, never on text.
 */
public class RosterException extends RuntimeException {
  /** The ErrorInfo domain of every error UserService returns. */
  public static final String DOMAIN = "user.roster.dev";

  private static final long serialVersionUID = 1L;

  private final transient Status.Code code;
  private final transient ErrorInfo errorInfo;
  private final transient BadRequest badRequest;
  private final transient ResourceInfo resourceInfo;

  RosterException(StatusRuntimeException cause, com.google.rpc.Status details) {
    super(cause.getStatus().getCode() + ": " + cause.getStatus().getDescription(), cause);
    this.code = cause.getStatus().getCode();
    this.errorInfo = detail(details, ErrorInfo.class);
    this.badRequest = detail(details, BadRequest.class);
    this.resourceInfo = detail(details, ResourceInfo.class);
  }

  /** Decodes the status and its {@code grpc-status-details-bin} trailer from a failed call. */
  public static RosterException from(StatusRuntimeException cause) {
    com.google.rpc.Status details = StatusProto.fromThrowable(cause);
    RosterException plain = new RosterException(cause, details);
    if (plain.code() == Status.Code.OUT_OF_RANGE
        && plain.errorReason().orElse(null) == ErrorReason.ERROR_REASON_REVISION_NOT_RETAINED) {
      return new RelistRequiredException(cause, details);
    }
    return plain;
  }

  /** The gRPC status code. */
  public Status.Code code() {
    return code;
  }

  /** The ErrorInfo detail, when the server sent one. */
  public Optional<ErrorInfo> errorInfo() {
    return Optional.ofNullable(errorInfo);
  }

  /** The ErrorInfo reason, e.g. {@code "ERROR_REASON_ETAG_MISMATCH"}, when there is one. */
  public Optional<String> reason() {
    return errorInfo().map(ErrorInfo::getReason);
  }

  /**
   * The reason as the contract's enum, when it comes from UserService's domain and names a value
   * this client knows; a newer server may send reasons this client predates.
   */
  public Optional<ErrorReason> errorReason() {
    return errorInfo()
        .filter(info -> DOMAIN.equals(info.getDomain()))
        .map(info -> knownReason(info.getReason()));
  }

  /** The BadRequest detail (one violation per bad field), for INVALID_ARGUMENT. */
  public Optional<BadRequest> badRequest() {
    return Optional.ofNullable(badRequest);
  }

  /** The ResourceInfo detail (the resource concerned), for NOT_FOUND and ALREADY_EXISTS. */
  public Optional<ResourceInfo> resourceInfo() {
    return Optional.ofNullable(resourceInfo);
  }

  private static ErrorReason knownReason(String name) {
    try {
      return ErrorReason.valueOf(name);
    } catch (IllegalArgumentException unknown) {
      return null;
    }
  }

  // The first detail of that type; a detail that does not decode is skipped rather than hiding
  // the status code behind a parse error.
  private static <T extends Message> T detail(com.google.rpc.Status details, Class<T> type) {
    if (details == null) {
      return null;
    }
    for (Any any : details.getDetailsList()) {
      if (any.is(type)) {
        try {
          return any.unpack(type);
        } catch (InvalidProtocolBufferException malformed) {
          return null;
        }
      }
    }
    return null;
  }
}
