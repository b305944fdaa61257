// A whole program using the client: create a user, read a missing one, watch.
import { createUserClient, RosterError } from "../src/client.js";

const users = createUserClient(process.env.ROSTER_ADDRESS ?? "localhost:50051"); // or { tls: { ca, cert, key } }
const { user } = await users.createUser({ userId: "ts-tess", user: { email: "tess@example.com" } });
console.log("created", user?.name); // request_id filled in with a UUID
try {
  await users.getUser({ name: "users/nobody" }, { timeoutMs: 2_000 });
} catch (err) {
  if (!(err instanceof RosterError && err.reason === "ERROR_REASON_USER_NOT_FOUND")) throw err;
  console.log("not found:", err.message);
}
// A watch never ends by itself: the bookmark comes first, then every change.
for await (const event of users.watchUsers({ startRevision: 0n })) {
  console.log("first event at revision", event.revision, "type", event.eventType);
  break;
}
