package dev.roster.client;

import io.grpc.StatusRuntimeException;

/**
 * OUT_OF_RANGE REVISION_NOT_RETAINED: the watch revision is no longer retained. List the users
 * again, then watch from the revision of that list.
 */
public final class RelistRequiredException extends RosterException {
  private static final long serialVersionUID = 1L;

  RelistRequiredException(StatusRuntimeException cause, com.google.rpc.Status details) {
    super(cause, details);
  }
}
