/**
 * Replies other than JSON that a route handler may return: a file of the web view, or a stream of
 * server-sent events. server.ts sends them; the OpenAPI document names their content type from
 * the route's `produces`.
 */

/** A fixed body with its content type (the web page and its assets). */
export class RawReply {
  constructor(
    readonly type: string,
    readonly body: string | Buffer,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/** Where a server-sent-events stream writes (text/event-stream framing, one event per call). */
export interface EventSink {
  /** Sends `event` with `data` as JSON; false when the socket's buffer is full (backpressure). */
  send(event: string, data: unknown): boolean;
  /** A comment line, which clients ignore: keeps idle connections open through proxies. */
  comment(text: string): boolean;
  /** The client has not taken what was written so far: send nothing new until it has. */
  readonly stalled: boolean;
  end(): void;
}

/** A server-sent-events reply: `open` starts it and returns what stops it when the client goes. */
export class EventStream {
  constructor(readonly open: (sink: EventSink) => () => void) {}
}
