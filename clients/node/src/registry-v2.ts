// Every message type the roster.user.v2 wire can carry, with the google.rpc
// error details packed in google.protobuf.Any.
import { createRegistry, type Registry } from "@bufbuild/protobuf";
import { file_google_rpc_error_details } from "../../../gen/node/google/rpc/error_details_pb.js";
import { file_google_rpc_status } from "../../../gen/node/google/rpc/status_pb.js";
import { file_roster_user_v2_error_reason } from "../../../gen/node/roster/user/v2/error_reason_pb.js";
import { file_roster_user_v2_user } from "../../../gen/node/roster/user/v2/user_pb.js";
import { file_roster_user_v2_user_service } from "../../../gen/node/roster/user/v2/user_service_pb.js";

/** The registry of roster.user.v2 and the google.rpc error model. */
export const rosterV2Registry: Registry = createRegistry(
  file_roster_user_v2_user,
  file_roster_user_v2_user_service,
  file_roster_user_v2_error_reason,
  file_google_rpc_status,
  file_google_rpc_error_details,
);
