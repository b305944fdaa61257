// A whole program using the client: create a user, read a missing one, list, watch.
// A project imports the same names from "roster-client"; inside the repository they
// come from the client's entry point.
import {
  createUserClient,
  listAllUsers,
  RosterError,
  watchResuming,
  WatchUsersResponse_EventType as EventType,
} from "../src/index.js";

const users = createUserClient(process.env.ROSTER_ADDRESS ?? "localhost:50051"); // plaintext, the default
const { user } = await users.createUser({ userId: "ts-tess", user: { email: "tess@example.com", displayName: "Tess" } });
console.log("created", user?.name); // request_id filled in with a UUID
try {
  await users.getUser({ name: "users/nobody" }, { timeoutMs: 2_000 });
  throw new Error("users/nobody exists");
} catch (err) {
  if (!(err instanceof RosterError)) throw err;
  switch (err.reason) {
    case "ERROR_REASON_USER_NOT_FOUND": console.log("not found:", err.message); break;
    default: throw err;
  }
}
for await (const listed of listAllUsers(users, { filter: "state = ACTIVE", pageSize: 100 })) {
  console.log("listed", listed.name); // the pager follows the page tokens
}
// A watch never ends by itself: from now, the bookmark comes first, then every change.
for await (const event of watchResuming(users, { timeoutMs: 10_000 })) {
  console.log("watching from revision", event.revision, event.eventType === EventType.BOOKMARK ? "(bookmark)" : "");
  break;
}
