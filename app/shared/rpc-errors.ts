/** The errors a request of the RPC client (rpc-client.ts, which re-exports them) may reject with. */

/** The connection is closed (by either side, or it failed); `message` says why. */
export class ConnectionClosedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionClosedError';
  }
}

/** A JSON-RPC `error` answer (the protocol channel): the peer rejected the frame itself. */
export class RpcProtocolError extends Error {
  constructor(
    readonly rpcCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RpcProtocolError';
  }
}

/** The peer did not answer a request within its deadline. */
export class RequestTimeoutError extends Error {
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`the broker did not answer ${method} within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}
