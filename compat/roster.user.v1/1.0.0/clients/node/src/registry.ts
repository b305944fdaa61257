// Every message type the Roster wire can carry, including the google.rpc
// error details packed in google.protobuf.Any, so JSON and Any can be resolved.
import { createRegistry, type Registry } from "@bufbuild/protobuf";
import { file_google_rpc_error_details } from "../../../gen/node/google/rpc/error_details_pb.js";
import { file_google_rpc_status } from "../../../gen/node/google/rpc/status_pb.js";
import { file_roster_user_v1_error_reason } from "../../../gen/node/roster/user/v1/error_reason_pb.js";
import { file_roster_user_v1_user } from "../../../gen/node/roster/user/v1/user_pb.js";
import { file_roster_user_v1_user_service } from "../../../gen/node/roster/user/v1/user_service_pb.js";

/** The registry of roster.user.v1 and the google.rpc error model. */
export const rosterRegistry: Registry = createRegistry(
  file_roster_user_v1_user,
  file_roster_user_v1_user_service,
  file_roster_user_v1_error_reason,
  file_google_rpc_status,
  file_google_rpc_error_details,
);
