// Subscribe with the reference graphql-ws client and print each `next` payload as one JSON line.
// Env: HUZHU_WS_URL, HUZHU_ORIGIN, HUZHU_COOKIE (session cookie value), HUZHU_QUERY, HUZHU_VARIABLES (JSON),
// HUZHU_EVENTS (how many events to wait for, then complete and exit 0).
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const wanted = Number(process.env.HUZHU_EVENTS || "1");
const headers = { Origin: process.env.HUZHU_ORIGIN, Cookie: `sessionid=${process.env.HUZHU_COOKIE}` };

class WebSocketWithCookie extends WebSocket {
  constructor(address, protocols) {
    super(address, protocols, { headers });
  }
}

const client = createClient({
  url: process.env.HUZHU_WS_URL,
  webSocketImpl: WebSocketWithCookie,
  retryAttempts: 0,
  lazy: false,
  on: { connected: () => process.stderr.write("connected\n") },
});

let seen = 0;
const timer = setTimeout(() => {
  process.stderr.write("timeout\n");
  process.exit(3);
}, 60000);

const unsubscribe = client.subscribe(
  { query: process.env.HUZHU_QUERY, variables: JSON.parse(process.env.HUZHU_VARIABLES || "{}") },
  {
    next: (value) => {
      process.stdout.write(JSON.stringify(value) + "\n");
      seen += 1;
      if (seen >= wanted) {
        unsubscribe();
        clearTimeout(timer);
        client.dispose().then(() => process.exit(0));
      }
    },
    error: (err) => {
      process.stderr.write("error " + JSON.stringify(err instanceof Error ? err.message : err) + "\n");
      process.exit(2);
    },
    complete: () => {},
  },
);
