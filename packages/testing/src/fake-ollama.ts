/**
 * A fake Ollama server for tests: a real HTTP server on 127.0.0.1 that answers
 * `POST /api/chat` (non-streaming) with scripted replies built from recorded response bodies.
 * Point the Ollama planner at `server.url` as its host.
 *
 * ```ts
 * const server = await startFakeOllama();
 * server.enqueue(ollamaReplies.error(503, 'server_busy'), ollamaReplies.plan());
 * await server.close();
 * ```
 *
 * With an empty queue every request gets the default reply: the recorded plan (JSON in the
 * message content), or what `respondWith` set.
 */
import {
  type FakeHttpServer,
  type FakeReply,
  type RecordedRequest,
  startFakeHttpServer,
} from './fake-http.js';
import recordedChat from './recorded/ollama-chat.json' with { type: 'json' };
import recordedErrors from './recorded/ollama-errors.json' with { type: 'json' };

export type { FakeReply, RecordedRequest };
export type FakeOllamaServer = FakeHttpServer;

/** A recorded `/api/chat` response (stream: false) whose content is the plan as JSON. */
export const RECORDED_OLLAMA_CHAT = recordedChat;
/** Recorded Ollama error bodies (`{error: "..."}`), by kind. */
export const RECORDED_OLLAMA_ERRORS = recordedErrors;

export interface ChatReplyOptions {
  /** The message content as it is; default the recorded plan. */
  content?: string;
  /** An object written as the content (JSON.stringify). Ignored when `content` is given. */
  json?: unknown;
  model?: string;
  /** `prompt_eval_count` and `eval_count`. */
  counts?: { prompt: number; completion: number };
}

/** Replies in Ollama's wire format. */
export const ollamaReplies = {
  /** 200 with a chat response; the content is the recorded plan unless told otherwise. */
  plan(options: ChatReplyOptions = {}): FakeReply {
    const content =
      options.content ??
      (options.json === undefined ? recordedChat.message.content : JSON.stringify(options.json));
    return {
      kind: 'json',
      body: {
        ...recordedChat,
        model: options.model ?? recordedChat.model,
        message: { role: 'assistant', content },
        prompt_eval_count: options.counts?.prompt ?? recordedChat.prompt_eval_count,
        eval_count: options.counts?.completion ?? recordedChat.eval_count,
      },
    };
  },
  /** An error status with Ollama's `{error}` body (a recorded kind, or any message). */
  error(status: number, kind: keyof typeof recordedErrors | (string & {})): FakeReply {
    const body = Object.hasOwn(recordedErrors, kind)
      ? recordedErrors[kind as keyof typeof recordedErrors]
      : { error: kind };
    return { kind: 'json', status, body };
  },
  /** 200 whose body is cut off in the middle: not JSON. */
  malformed(): FakeReply {
    return { kind: 'raw', body: JSON.stringify(recordedChat).slice(0, 90) };
  },
  /** No answer until the client aborts or the server closes. */
  hold(): FakeReply {
    return { kind: 'hold' };
  },
};

/** Starts a fake Ollama server on 127.0.0.1 (random port). */
export function startFakeOllama(options: { reply?: FakeReply } = {}): Promise<FakeOllamaServer> {
  return startFakeHttpServer(
    { method: 'POST', path: '/api/chat' },
    options.reply ?? ollamaReplies.plan(),
    () => ({ error: '404 page not found' }),
  );
}
