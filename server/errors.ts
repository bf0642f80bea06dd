/** An error the HTTP and socket layers turn into a clear reply with this status and code. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: 'bad-request' | 'bad-path' | 'not-found' | 'forbidden' | 'too-large' | 'conflict' | 'precondition-failed' | 'unauthorized' | 'internal',
    message: string,
  ) {
    super(message);
  }
}
