// A program of another team using the packed roster-client (see tests/consumers):
// it prints the policy the client embeds, pages through the users it made, then
// follows a resuming watch, one line per change, until it sees a user whose id
// ends in -stop.
import {
  createUserClient,
  listAllUsers,
  SERVICE_CONFIG,
  watchResuming,
  WatchUsersResponse_EventType as EventType,
} from "roster-client";

const address = process.env.ROSTER_ADDRESS ?? "";
const tag = process.env.ROSTER_TAG ?? "";

console.log(`policy ${JSON.stringify(JSON.parse(SERVICE_CONFIG))}`);
const users = createUserClient(address, { tokenSource: async () => "consumer-token" });

for (const n of [1, 2, 3]) {
  const userId = `${tag}-p${n}`;
  await users.createUser({ userId, user: { email: `${userId}@example.com`, displayName: `${tag} ${n}` } });
}
await users.deleteUser({ name: `users/${tag}-p2` });
const names: string[] = [];
const query = { filter: `display_name = "${tag}*"`, orderBy: "display_name desc", showDeleted: true, pageSize: 1 };
for await (const user of listAllUsers(users, query)) {
  names.push(user.name);
}
console.log(`paged ${names.join(",")}`);

const watch = watchResuming(users);
let ready = false;
let reconnects = 0;
for await (const event of watch) {
  if (watch.reconnects !== reconnects) {
    reconnects = watch.reconnects;
    console.log(`resumed after ${reconnects} reconnects from revision ${watch.revision}`);
  }
  if (event.eventType === EventType.BOOKMARK) {
    if (!ready) {
      console.log(`ready ${event.revision}`);
      ready = true;
    }
    continue;
  }
  console.log(`change ${event.revision} ${EventType[event.eventType]} ${event.user?.name}`);
  if (event.user?.name.endsWith("-stop")) {
    break;
  }
}
