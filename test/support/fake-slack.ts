import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { blockKitProblems, viewProblems } from './block-kit-rules.js';

/**
 * A Slack Web API on loopback, built from docs/slack-facts.md ("Web API wire format", "Web API errors and
 * rate limits", "Trigger IDs", "response_url", the Block Kit limits): form-encoded requests with
 * JSON-encoded nested arguments, `{ ok: false, error }` with HTTP 200 for API errors, 429 with
 * `Retry-After` for rate limits. It records every call and enforces the platform rules that bite in
 * production (single-use, short-lived trigger IDs; Block Kit limits; private_metadata size), so a test
 * against it fails where Slack would.
 */

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  /** When it arrived (ms since the epoch). */
  at: number;
}

export interface SharedFile {
  id: string;
  filename: string;
  title: string | undefined;
  channel: string;
  initialComment: string | undefined;
  content: string;
}

export interface ResponseUrlPost {
  url: string;
  body: Record<string, unknown>;
}

export interface SlackUser {
  id: string;
  team_id?: string;
  name?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_bot?: boolean;
  deleted?: boolean;
}

type Answer = { status?: number; headers?: Record<string, string>; body: Record<string, unknown> };
type Fault = { status: number; retryAfter?: number } | { error: string } | { delayMs: number };

export const fakeTeamId = 'T0FAKE0001';
export const fakeBotUserId = 'U0FAKEBOT1';
export const fakeBotId = 'B0FAKEBOT1';

const triggerLifetimeMs = 3_000;
const responseUrlUses = 5;
const nestedArgs = ['blocks', 'view', 'attachments', 'metadata', 'unfurl_links', 'files'];

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  /** Every `{ ok: false }` or HTTP error this fake answered, so tests can see what was refused and why. */
  readonly refusals: { method: string; error: string; details?: string[] }[] = [];
  readonly users = new Map<string, SlackUser>();
  /** Views opened, updated or published, as stored (with their IDs), in order. */
  readonly views: Record<string, unknown>[] = [];
  readonly userGroups = new Map<string, string[]>();
  /** Channels that answer `channel_not_found`, and ones where the bot is not a member. */
  readonly missingChannels = new Set<string>();
  readonly channelsWithoutBot = new Set<string>();
  /** Files shared through the upload flow (files.getUploadURLExternal, upload, completeUploadExternal). */
  readonly files: SharedFile[] = [];
  botToken = 'xoxb-0000-fake-bot-token';
  appToken = 'xapp-1-fake-app-token';

  private readonly uploads = new Map<string, { filename: string; length: number; content?: Buffer }>();
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();
  private readonly responseUrls = new Map<string, number>();
  private readonly storedViews = new Map<string, { hash: string; view: Record<string, unknown> }>();
  private readonly messages = new Map<string, Record<string, unknown>>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly rateLimits = new Map<string, { perMinute: number; seen: number[] }>();
  private readonly waiters = new Set<() => void>();
  private sockets?: WebSocketServer;
  private readonly socketAcks = new Map<string, (payload: unknown) => void>();
  private sequence = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeSlack> {
    const server = createServer();
    const fake = new FakeSlack(server);
    server.on('request', (req, res) => {
      fake.handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The value for SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  /** A trigger ID as Slack puts in a command or click payload: usable once, for about 3 seconds. */
  issueTriggerId(): string {
    const id = `${++this.sequence}.${Date.now()}.${randomBytes(8).toString('hex')}`;
    this.triggers.set(id, { issuedAt: Date.now(), used: false });
    return id;
  }

  /** A `response_url` as Slack puts in a command or click payload: five uses. */
  issueResponseUrl(): string {
    const id = randomBytes(8).toString('hex');
    this.responseUrls.set(id, 0);
    return `${this.origin}/response/${id}`;
  }

  /** The next call(s) of `method` fail this way, in order. */
  failNext(method: string, ...faults: Fault[]): void {
    this.faults.set(method, [...(this.faults.get(method) ?? []), ...faults]);
  }

  /** More than `perMinute` calls of `method` within a minute get 429 with Retry-After. */
  rateLimit(method: string, perMinute: number): void {
    this.rateLimits.set(method, { perMinute, seen: [] });
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** A message as it stands now (after any chat.update). */
  message(channel: string, ts: string): Record<string, unknown> | undefined {
    return this.messages.get(`${channel}/${ts}`);
  }

  responsesTo(url: string): Record<string, unknown>[] {
    return this.responses.filter((post) => post.url === url).map((post) => post.body);
  }

  /** Waits until `predicate` holds (checked after each recorded call or response), or fails after `timeoutMs`. */
  async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake Slack: condition not met within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 100));
        this.waiters.add(wake);
      });
    }
  }

  /** Serves Socket Mode: `apps.connections.open` hands out a WebSocket that greets with `hello`. */
  enableSocketMode(): void {
    this.sockets = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      this.sockets?.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data) => {
          const frame = JSON.parse(String(data)) as { envelope_id: string; payload?: unknown };
          this.socketAcks.get(frame.envelope_id)?.(frame.payload ?? null);
          this.socketAcks.delete(frame.envelope_id);
        });
        ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' } }));
        this.wake();
      });
    });
  }

  /** Cuts every Socket Mode connection, as a network drop or a Slack restart does. */
  dropSocketConnections(): void {
    for (const ws of this.sockets?.clients ?? []) ws.terminate();
  }

  get socketConnections(): number {
    return [...(this.sockets?.clients ?? [])].filter((ws) => ws.readyState === WebSocket.OPEN).length;
  }

  /** Pushes an envelope to every connected client and resolves with the ack's payload. */
  async sendEnvelope(
    type: 'slash_commands' | 'interactive' | 'events_api',
    payload: unknown,
  ): Promise<unknown> {
    const envelopeId = `env-${++this.sequence}`;
    const acked = new Promise<unknown>((resolve) => this.socketAcks.set(envelopeId, resolve));
    const frame = JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: true });
    for (const ws of this.sockets?.clients ?? []) ws.send(frame);
    return acked;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets?.clients ?? []) ws.terminate();
    this.sockets?.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    if (url.pathname.startsWith('/upload/')) return this.handleUpload(url, req, res);
    const raw = await readBody(req);
    if (url.pathname.startsWith('/response/')) return this.handleResponseUrl(url, raw, res);
    if (!url.pathname.startsWith('/api/') || req.method !== 'POST') {
      return send(res, { status: 404, body: { ok: false, error: 'unknown_path' } });
    }
    const method = url.pathname.slice('/api/'.length);
    const args = parseArgs(req.headers['content-type'], raw);
    const token =
      /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? (args.token as string | undefined);
    this.calls.push({ method, args, token, at: Date.now() });
    this.wake();
    const answer = await this.answer(method, args, token);
    if (answer.body.ok === false) {
      this.refusals.push({
        method,
        error: String(answer.body.error),
        ...(Array.isArray(answer.body.errors) ? { details: answer.body.errors as string[] } : {}),
      });
    }
    send(res, answer);
  }

  /** The upload URL step: Slack takes the bytes raw or as multipart form data (the Node SDK's way). */
  private async handleUpload(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const upload = this.uploads.get(url.pathname.slice('/upload/'.length));
    if (!upload || req.method !== 'POST') return send(res, { status: 404, body: { ok: false } });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let bytes = Buffer.concat(chunks);
    const contentType = req.headers['content-type'] ?? '';
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
      const file = [...form.values()].find((value) => typeof value !== 'string');
      bytes = Buffer.from(file && typeof file !== 'string' ? await file.arrayBuffer() : new ArrayBuffer(0));
    }
    upload.content = bytes;
    this.wake();
    // Slack answers the upload URL with plain text, not the Web API's JSON envelope.
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
  }

  private handleResponseUrl(url: URL, raw: string, res: ServerResponse): void {
    const id = url.pathname.slice('/response/'.length);
    const used = this.responseUrls.get(id);
    if (used === undefined || used >= responseUrlUses) {
      send(res, { status: 404, body: { ok: false, error: 'expired_url' } });
      return;
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    const problems = blockKitProblems(body.blocks, 'message');
    if (problems.length > 0) {
      this.refusals.push({ method: 'response_url', error: 'invalid_blocks', details: problems });
      send(res, { status: 400, body: { ok: false, error: 'invalid_blocks', errors: problems } });
      return;
    }
    this.responseUrls.set(id, used + 1);
    this.responses.push({ url: url.toString(), body });
    this.wake();
    send(res, { body: { ok: true } });
  }

  private async answer(
    method: string,
    args: Record<string, unknown>,
    token: string | undefined,
  ): Promise<Answer> {
    const fault = this.faults.get(method)?.shift();
    if (fault && 'delayMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    else if (fault && 'status' in fault) {
      return {
        status: fault.status,
        headers: fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) },
        body: { ok: false, error: fault.status === 429 ? 'ratelimited' : 'fatal_error' },
      };
    } else if (fault) return fail(fault.error);

    const limited = this.rateLimits.get(method);
    if (limited) {
      const now = Date.now();
      limited.seen = limited.seen.filter((at) => now - at < 60_000);
      if (limited.seen.length >= limited.perMinute) {
        const retryAfter = Math.ceil((60_000 - (now - (limited.seen[0] ?? now))) / 1000);
        return {
          status: 429,
          headers: { 'retry-after': String(retryAfter) },
          body: { ok: false, error: 'ratelimited' },
        };
      }
      limited.seen.push(now);
    }

    if (method === 'apps.connections.open') {
      if (token !== this.appToken) return fail('invalid_auth');
      if (!this.sockets) return fail('socket_mode_not_enabled');
      return ok({
        url: `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link/?ticket=${++this.sequence}`,
      });
    }
    if (token === undefined) return fail('not_authed');
    if (token !== this.botToken) return fail('invalid_auth');

    switch (method) {
      case 'auth.test':
        return ok({
          url: 'https://fake.slack.com/',
          team: 'Fake Workspace',
          user: 'flightiq',
          team_id: fakeTeamId,
          user_id: fakeBotUserId,
          bot_id: fakeBotId,
          is_enterprise_install: false,
        });
      case 'chat.postMessage':
      case 'chat.postEphemeral':
        return this.postMessage(method, args);
      case 'chat.update':
        return this.updateMessage(args);
      case 'views.open':
      case 'views.push':
        return this.openView(args);
      case 'views.update':
        return this.updateView(args);
      case 'views.publish':
        return this.publishView(args);
      case 'users.info': {
        const user = this.users.get(String(args.user));
        return user ? ok({ user: { team_id: fakeTeamId, name: user.id, ...user } }) : fail('user_not_found');
      }
      case 'conversations.open': {
        const users = String(args.users ?? '')
          .split(',')
          .filter(Boolean);
        if (users.length !== 1)
          return fail(users.length === 0 ? 'users_list_not_supplied' : 'not_implemented');
        if (!this.users.has(users[0] ?? '') && !/^U/.test(users[0] ?? '')) return fail('user_not_found');
        return ok({ channel: { id: `D${users[0]?.slice(1)}` } });
      }
      case 'files.getUploadURLExternal':
        return this.uploadUrl(args);
      case 'files.completeUploadExternal':
        return this.completeUpload(args);
      case 'usergroups.users.list': {
        const members = this.userGroups.get(String(args.usergroup));
        return members ? ok({ users: members }) : fail('no_such_subteam');
      }
      default:
        return fail('unknown_method');
    }
  }

  private uploadUrl(args: Record<string, unknown>): Answer {
    const length = Number(args.length);
    if (typeof args.filename !== 'string' || args.filename === '') return fail('invalid_arguments');
    if (!Number.isInteger(length) || length <= 0) return fail('invalid_arguments');
    const id = `F${String(++this.sequence).padStart(9, '0')}`;
    this.uploads.set(id, { filename: args.filename, length });
    return ok({ upload_url: `${this.origin}/upload/${id}`, file_id: id });
  }

  private completeUpload(args: Record<string, unknown>): Answer {
    const files = args.files;
    if (!Array.isArray(files) || files.length === 0) return fail('invalid_arguments');
    const channel = args.channel_id;
    if (channel !== undefined) {
      const problem = this.channelProblem(channel);
      if (problem) return fail(problem);
    }
    const done = [];
    for (const entry of files as { id?: string; title?: string }[]) {
      const upload = this.uploads.get(String(entry.id));
      if (!upload?.content) return fail('file_not_found');
      if (upload.content.length !== upload.length) return fail('file_size_mismatch');
      this.uploads.delete(String(entry.id));
      const file = {
        id: String(entry.id),
        filename: upload.filename,
        title: entry.title,
        channel: String(channel ?? ''),
        initialComment: typeof args.initial_comment === 'string' ? args.initial_comment : undefined,
        content: upload.content.toString('utf8'),
      };
      this.files.push(file);
      done.push({ id: file.id, title: file.title, name: file.filename });
    }
    return ok({ files: done });
  }

  private channelProblem(channel: unknown): string | undefined {
    if (typeof channel !== 'string' || channel === '') return 'channel_not_found';
    if (this.missingChannels.has(channel)) return 'channel_not_found';
    if (this.channelsWithoutBot.has(channel)) return 'not_in_channel';
    return undefined;
  }

  private postMessage(method: string, args: Record<string, unknown>): Answer {
    const problem = this.channelProblem(args.channel);
    if (problem) return fail(problem);
    if (method === 'chat.postEphemeral' && typeof args.user !== 'string') return fail('user_not_in_channel');
    if (!args.text && !args.blocks) return fail('no_text');
    const invalid = blockKitProblems(args.blocks, 'message');
    if (invalid.length > 0) return fail('invalid_blocks', invalid);
    if (typeof args.text === 'string' && args.text.length > 40_000) return fail('msg_too_long');
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.sequence).padStart(6, '0')}`;
    if (method === 'chat.postEphemeral') return ok({ message_ts: ts });
    const message = { ts, text: args.text, blocks: args.blocks, thread_ts: args.thread_ts };
    this.messages.set(`${String(args.channel)}/${ts}`, message);
    return ok({ channel: args.channel, ts, message });
  }

  private updateMessage(args: Record<string, unknown>): Answer {
    const problem = this.channelProblem(args.channel);
    if (problem) return fail(problem);
    const key = `${String(args.channel)}/${String(args.ts)}`;
    if (!this.messages.has(key)) return fail('message_not_found');
    const invalid = blockKitProblems(args.blocks, 'message');
    if (invalid.length > 0) return fail('invalid_blocks', invalid);
    this.messages.set(key, { ts: args.ts, text: args.text, blocks: args.blocks });
    return ok({ channel: args.channel, ts: args.ts, text: args.text });
  }

  private openView(args: Record<string, unknown>): Answer {
    const trigger = this.triggers.get(String(args.trigger_id));
    if (!trigger) return fail('invalid_trigger_id');
    if (trigger.used) return fail('exchanged_trigger_id');
    if (Date.now() - trigger.issuedAt > triggerLifetimeMs) return fail('expired_trigger_id');
    trigger.used = true;
    const view = args.view as Record<string, unknown> | undefined;
    if (!view) return fail('invalid_arguments');
    const invalid = viewProblems(view, 'modal');
    if (invalid.length > 0)
      return fail(invalid.includes('view_too_large') ? 'view_too_large' : 'invalid_arguments', invalid);
    return ok({ view: this.storeView(view) });
  }

  private updateView(args: Record<string, unknown>): Answer {
    const id = String(args.view_id ?? '');
    const current = this.storedViews.get(id);
    if (!current) return fail('not_found');
    if (args.hash !== undefined && args.hash !== current.hash) return fail('hash_conflict');
    const view = args.view as Record<string, unknown>;
    const invalid = viewProblems(view, 'modal');
    if (invalid.length > 0) return fail('invalid_arguments', invalid);
    return ok({ view: this.storeView(view, id) });
  }

  private publishView(args: Record<string, unknown>): Answer {
    if (typeof args.user_id !== 'string') return fail('invalid_arguments');
    const view = args.view as Record<string, unknown>;
    const invalid = viewProblems(view, 'home');
    if (invalid.length > 0) return fail('invalid_arguments', invalid);
    return ok({ view: this.storeView(view) });
  }

  private storeView(view: Record<string, unknown>, id = `V${String(++this.sequence).padStart(9, '0')}`) {
    const hash = `${Date.now()}.${randomBytes(4).toString('hex')}`;
    const stored = { id, team_id: fakeTeamId, hash, state: { values: {} }, ...view };
    this.storedViews.set(id, { hash, view: stored });
    this.views.push(stored);
    return stored;
  }
}

function ok(body: Record<string, unknown>): Answer {
  return { body: { ok: true, ...body } };
}

function fail(error: string, details?: string[]): Answer {
  return { body: { ok: false, error, ...(details ? { errors: details } : {}) } };
}

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
  res.end(JSON.stringify(answer.body));
}

function parseArgs(contentType: string | undefined, raw: string): Record<string, unknown> {
  if (contentType?.startsWith('application/json'))
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = nestedArgs.includes(key) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
