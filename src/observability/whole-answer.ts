import type { GraphQLError } from 'graphql';
import { isAsyncIterable } from 'graphql-yoga';

/** An operation's answer, all its parts together. */
export interface WholeAnswer {
  /** Every error of every part, in the order they were sent. */
  readonly errors: readonly GraphQLError[];
  /** The answer had data (a partial answer when `errors` is not empty). */
  readonly hasData: boolean;
  /** Parts sent: 1 for a single result; for an incremental one, those sent before it ended. */
  readonly parts: number;
}

interface Part {
  data?: unknown;
  errors?: readonly GraphQLError[];
  /** Subsequent payloads of @defer/@stream carry their errors here. */
  incremental?: ReadonlyArray<{ errors?: readonly GraphQLError[] }>;
}

/**
 * For plugins that judge an operation by its result (metrics, tracing): calls `done` once with
 * the whole answer, at once for a single result, and for an incremental one (@defer, @stream)
 * when its last part is sent or the client leaves mid-stream. Return its value from
 * `onExecuteDone`: for a stream it is the `onNext`/`onEnd` pair envelop calls along the way.
 */
export function whenAnswered(result: unknown, done: (answer: WholeAnswer) => void): { onNext(payload: { result: unknown }): void; onEnd(): void } | undefined {
  if (!isAsyncIterable(result)) {
    const single = result as Part;
    done({ errors: single.errors ?? [], hasData: single.data !== undefined && single.data !== null, parts: 1 });
    return undefined;
  }
  const errors: GraphQLError[] = [];
  let hasData = false;
  let parts = 0;
  return {
    onNext({ result: value }) {
      const part = value as Part;
      parts++;
      if (part.data !== undefined && part.data !== null) hasData = true;
      if (part.errors) errors.push(...part.errors);
      for (const item of part.incremental ?? []) if (item.errors) errors.push(...item.errors);
    },
    onEnd() {
      done({ errors, hasData, parts });
    },
  };
}
