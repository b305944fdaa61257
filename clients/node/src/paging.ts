// ListUsers as one async iterable of users: the page tokens are followed here.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { CallOptions } from "@connectrpc/connect";
import type { User } from "../../../gen/node/roster/user/v1/user_pb.js";
import type { ListUsersRequestSchema } from "../../../gen/node/roster/user/v1/user_service_pb.js";
import type { UserClient } from "./client.js";

/** Every user of a ListUsers query (filter, orderBy, showDeleted, pageSize), page after page. */
export async function* listAllUsers(
  client: UserClient,
  request: MessageInitShape<typeof ListUsersRequestSchema> = {},
  options?: CallOptions,
): AsyncGenerator<User> {
  let pageToken = request.pageToken ?? "";
  do {
    const page = await client.listUsers({ ...request, pageToken }, options);
    yield* page.users;
    pageToken = page.nextPageToken;
  } while (pageToken !== "");
}
