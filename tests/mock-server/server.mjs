#!/usr/bin/env node

// Local mock of the Nylas v3 authentication service (hosted OAuth 2.0 + PKCE).
//
// Zero dependencies: node: built-ins only. Binds 127.0.0.1 only. Every route
// exists twice: under `/v3` and at the legacy path without it. See README.md
// in this directory for the CLI, the options and the `/__mock/*` control API.
//
// Nothing secret (codes, tokens, verifiers, client secrets) is ever logged.

import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { realpathSync } from 'node:fs';
import http from 'node:http';
import { pathToFileURL } from 'node:url';

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

const HOST = '127.0.0.1';
const ERROR_URI_BASE = 'https://developer.nylas.com/docs/api/errors/event-codes/#';
const MAX_BODY_BYTES = 64 * 1024;
const PENDING_CONSENT_TTL_MS = 10 * 60 * 1000;
const DEFAULT_SCOPE = 'email calendar contacts';
const DEFAULT_EMAIL = 'user@example.com';
const DEFAULT_PROVIDER = 'google';
const DEFAULT_SLOW_MS = 10_000;

/** Providers Nylas knows; any other string is still accepted. */
const _KNOWN_PROVIDERS = ['google', 'microsoft', 'imap', 'icloud', 'yahoo', 'ews', 'virtual-calendar'];
/** Providers offered by the consent page when `prompt` contains select_provider. */
const SELECTABLE_PROVIDERS = ['google', 'microsoft', 'imap'];
const CODE_CHALLENGE_RE = /^[A-Za-z0-9\-._~+/=]{20,256}$/;
const LOOPBACK_ORIGIN_RE = /^http:\/\/(127\.0\.0\.1|localhost)(:\d{1,5})?$/;
/** Printable ASCII without spaces: anything else cannot go into a Location header. */
const HEADER_SAFE_RE = /^[\x21-\x7e]+$/;
/** A Host header naming this machine: 127.0.0.1, localhost or [::1], with an optional port (group 1). */
const LOOPBACK_HOST_RE = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$/i;
/** Cross-Origin-Opener-Policy values the `coop` switch accepts. */
const COOP_VALUES = ['same-origin', 'same-origin-allow-popups', 'noopener-allow-popups', 'unsafe-none'];
/** Largest `consentDelayMs`: setTimeout's limit (a larger delay would fire at once). */
const MAX_CONSENT_DELAY_MS = 2_147_483_647;

/** Event codes from the reference's event-code table (type -> code, HTTP status, default message). */
const EVENTS = {
  bad_request: { code: 400, status: 400, message: 'Bad request' },
  invalid_request_error: { code: 401, status: 401, message: 'Authentication error' },
  not_found_error: { code: 404, status: 404, message: 'Resource not found' },
  forbidden: { code: 403, status: 403, message: 'Forbidden' }, // mock-specific: Host is not a loopback name
  method_not_allowed: { code: 405, status: 405, message: 'Method not allowed' }, // mock-specific
  internal_error: { code: 500, status: 500, message: 'Internal error, contact administrator' },
  invalid_request_payload: { code: 700, status: 400, message: 'Invalid JSON payload format' },
  redirect_uri_not_allowed: { code: 25003, status: 400, message: 'redirect_uri is not allowed for this integration' },
  login_id_invalid: { code: 25004, status: 400, message: 'Login ID or request is invalid or has expired' },
  access_denied: { code: 45002, status: 400, message: 'User denied consent' }, // oauth_failed
  invalid_client: { code: 45003, status: 401, message: 'The OAuth client was not found' },
  invalid_grant: { code: 45004, status: 400, message: 'Error creating grant with provided OAuth params' },
  invalid_request: {
    code: 45005,
    status: 400,
    message:
      'The request is missing a required parameter, includes an invalid parameter value, or is otherwise malformed',
  },
  redirect_uri_mismatch: { code: 45006, status: 400, message: 'Redirect URI not allowed' },
  unsupported_grant_type: { code: 45007, status: 400, message: 'Invalid grant_type' },
  invalid_token: { code: 45008, status: 400, message: 'Token expired or revoked' },
};

const STAT_ENDPOINTS = ['auth', 'token', 'revoke', 'tokeninfo', 'grants', 'messages', 'detect'];
const FAULT_ENDPOINTS = ['token', 'revoke', 'tokeninfo', 'grants'];
const FAULT_KINDS = ['500', 'html502', 'slow', 'drop'];

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

function defaultConfig() {
  return {
    clients: {
      'demo-client': {
        redirectUris: [
          'http://127.0.0.1:5173/callback.html',
          'http://localhost:5173/callback.html',
          'http://127.0.0.1:5173/',
          'http://localhost:5173/',
          'com.example.app:/oauth/callback',
        ],
      },
    },
    allowAnyLoopbackRedirect: true,
    redirectUriPrefixes: ['http://127.0.0.1:', 'http://localhost:'],
    codeTtlMs: 60_000,
    accessTokenTtlSec: 3600,
    challengeEncoding: 'nylas',
    publicRefresh: false,
    autoApprove: false,
    corsOrigins: 'loopback',
    iss: null,
    coop: null,
    consentDelayMs: null,
    messagesScopes: ['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/gmail.modify'],
    faults: {},
  };
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStringArray = (v) => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isPositiveNumber = (v) => typeof v === 'number' && Number.isFinite(v) && v > 0;

function isValidClients(v) {
  return isPlainObject(v) && Object.values(v).every((c) => isPlainObject(c) && isStringArray(c.redirectUris));
}

function isValidFaults(v) {
  if (!isPlainObject(v)) return false;
  return Object.entries(v).every(([key, value]) => {
    if (key === 'slowMs') return typeof value === 'number' && value >= 0;
    return FAULT_ENDPOINTS.includes(key) && (value === null || value === 'none' || FAULT_KINDS.includes(value));
  });
}

/** Validator per config key; a config patch may only contain these keys. */
const CONFIG_VALIDATORS = {
  clients: isValidClients,
  allowAnyLoopbackRedirect: (v) => typeof v === 'boolean',
  redirectUriPrefixes: isStringArray,
  codeTtlMs: isPositiveNumber,
  accessTokenTtlSec: (v) => Number.isInteger(v) && v > 0,
  challengeEncoding: (v) => ['nylas', 'rfc7636', 'any'].includes(v),
  publicRefresh: (v) => typeof v === 'boolean',
  autoApprove: (v) => typeof v === 'boolean',
  corsOrigins: (v) => v === 'loopback' || isStringArray(v),
  iss: (v) => v === null || typeof v === 'string',
  coop: (v) => v === null || COOP_VALUES.includes(v),
  consentDelayMs: (v) => v === null || (Number.isInteger(v) && v >= 0 && v <= MAX_CONSENT_DELAY_MS),
  messagesScopes: isStringArray,
  faults: isValidFaults,
};

/** Throws a descriptive Error if `patch` is not a valid (partial) config. */
function validateConfigPatch(patch) {
  if (!isPlainObject(patch)) throw new Error('config must be a JSON object');
  for (const [key, value] of Object.entries(patch)) {
    const validate = CONFIG_VALIDATORS[key];
    if (!validate) throw new Error(`unknown config key: ${key}`);
    if (!validate(value)) throw new Error(`invalid value for config key: ${key}`);
  }
}

/** Merges a validated patch into the live config. `faults` merges per key; null/"none" clears one. */
function applyConfigPatch(config, patch) {
  for (const [key, value] of Object.entries(patch)) {
    if (key !== 'faults') {
      config[key] = structuredClone(value);
      continue;
    }
    for (const [name, kind] of Object.entries(value)) {
      if (kind === null || kind === 'none') delete config.faults[name];
      else config.faults[name] = kind;
    }
  }
}

/** Replaces an object's contents in place, so references handed out stay live. */
function replaceContents(target, source) {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, source);
}

// ---------------------------------------------------------------------------
// Small helpers: randomness, encodings, HTML, URLs
// ---------------------------------------------------------------------------

const randomToken = () => randomBytes(32).toString('base64url');
const nowSec = () => Math.floor(Date.now() / 1000);
const b64urlJson = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const errorUri = (eventCode) => `${ERROR_URI_BASE}${eventCode}`;

function safeEqual(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

/** HS256 JWT, base64url without padding. */
function signJwt(payload, key) {
  const unsigned = `${b64urlJson({ alg: 'HS256', typ: 'JWT' })}.${b64urlJson(payload)}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}

/**
 * S256 challenges a verifier may legitimately produce, per encoding:
 * 'nylas'   = standard base64 of the lowercase hex SHA-256 digest, '=' stripped (Nylas docs);
 * 'rfc7636' = base64url of the raw digest, no padding (RFC 7636 §4.2).
 */
function s256Challenges(verifier, encoding) {
  const digest = createHash('sha256').update(verifier, 'utf8').digest();
  const nylas = Buffer.from(digest.toString('hex'), 'utf8').toString('base64').replace(/=+$/, '');
  const rfc7636 = digest.toString('base64url');
  if (encoding === 'nylas') return [nylas];
  if (encoding === 'rfc7636') return [rfc7636];
  return [nylas, rfc7636];
}

function pkceMatches({ challenge, method }, verifier, encoding) {
  if (method === 'plain') return safeEqual(challenge, verifier);
  return s256Challenges(verifier, encoding).some((candidate) => safeEqual(candidate, challenge));
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Appends query parameters to a redirect URI without normalising it through
 * `new URL` (which would mangle custom schemes such as `com.example.app:/cb`).
 * Undefined values are skipped; values are percent-encoded (space -> %20).
 */
function appendQuery(uri, params) {
  const query = Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  if (!query) return uri;
  const hashAt = uri.indexOf('#');
  const base = hashAt === -1 ? uri : uri.slice(0, hashAt);
  const fragment = hashAt === -1 ? '' : uri.slice(hashAt);
  let separator = '?';
  if (base.includes('?')) separator = base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}${query}${fragment}`;
}

/** Collects single-valued parameters, reporting any name given more than once. */
function collectParams(searchParams) {
  const params = Object.create(null);
  const duplicates = new Set();
  for (const [key, value] of searchParams) {
    if (key in params) duplicates.add(key);
    else params[key] = value;
  }
  return { params, duplicates: [...duplicates] };
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** Error rendered in the OAuth token-endpoint shape (RFC 6749 §5.2 + Nylas extras). */
class OAuthError extends Error {
  constructor(error, description) {
    super(description);
    this.error = error;
  }
}

/** Error rendered in the Nylas `{ success: false, error: {...} }` shape. */
class NylasError extends Error {
  constructor(type, { message, status } = {}) {
    const event = EVENTS[type];
    super(message ?? event.message);
    this.type = type;
    this.status = status ?? event.status;
    this.eventCode = event.code;
  }
}

/** Rejection used for pending fault delays when the server closes. */
class ServerClosedError extends Error {}

// ---------------------------------------------------------------------------
// HTTP response helpers
// ---------------------------------------------------------------------------

function sendJson(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** Sends an HTML page; `scriptNonce` lets that page's one inline script run (nothing else can). */
function sendHtml(res, status, html, { scriptNonce } = {}) {
  const script = scriptNonce ? `; script-src 'nonce-${scriptNonce}'` : '';
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'${script}`,
    'X-Frame-Options': 'DENY',
  });
  res.end(html);
}

function sendRedirect(res, location) {
  res.writeHead(302, { Location: location });
  res.end();
}

function sendNylasError(res, err) {
  sendJson(res, err.status, {
    success: false,
    error: {
      type: err.type,
      http_code: err.status,
      event_code: err.eventCode,
      message: err.message,
      request_id: randomUUID(),
    },
  });
}

function sendOAuthError(res, err) {
  const event = EVENTS[err.error];
  sendJson(res, err.error === 'invalid_client' ? 401 : 400, {
    error: err.error,
    error_description: err.message,
    error_uri: errorUri(event.code),
    error_code: event.code,
    request_id: randomUUID(),
  });
}

/** Lower-cased media type of the request body, without parameters ('' if none). */
function mediaTypeOf(req) {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** Reads the whole request body (bounded). */
async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) throw new Error('request body too large');
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Parses a JSON or form-urlencoded body into `{ mediaType, fields }`, where
 * fields is a null-prototype object of string values. Throws Error on anything
 * else (unsupported type, bad JSON, non-string values, duplicate form fields).
 */
async function parseBody(req) {
  const mediaType = mediaTypeOf(req);
  const text = await readBody(req);
  if (mediaType === 'application/x-www-form-urlencoded') {
    const { params, duplicates } = collectParams(new URLSearchParams(text));
    if (duplicates.length) throw new Error(`duplicate parameter: ${duplicates.join(', ')}`);
    return { mediaType, fields: params };
  }
  if (mediaType === 'application/json') {
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error('body is not valid JSON');
    }
    if (!isPlainObject(parsed)) throw new Error('JSON body must be an object');
    return { mediaType, fields: Object.assign(Object.create(null), parsed) };
  }
  throw new Error('Content-Type must be application/json or application/x-www-form-urlencoded');
}

function requireStringFields(fields) {
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value !== 'string') throw new Error(`field ${key} must be a string`);
  }
}

// ---------------------------------------------------------------------------
// HTML pages
// ---------------------------------------------------------------------------

const PAGE_CSS = `body{font:15px/1.45 system-ui,sans-serif;background:#f4f5f7;margin:0;padding:40px 16px}
main{max-width:440px;margin:auto;background:#fff;border-radius:10px;padding:24px 28px;box-shadow:0 2px 10px #0002}
h1{font-size:20px;margin:0 0 16px}dt{font-weight:600;color:#555}dd{margin:0 0 10px;word-break:break-all}
label{display:block;margin:12px 0 4px;font-weight:600}input,select{width:100%;box-sizing:border-box;padding:7px;font:inherit}
.actions{display:flex;gap:10px;margin-top:18px}button{flex:1;padding:9px;font:inherit;border-radius:6px;border:1px solid #888;cursor:pointer}
#approve{background:#1a56db;color:#fff;border-color:#1a56db}#error{color:#9b1c1c}.code{font-family:monospace}`;

function page(title, body) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${PAGE_CSS}</style></head>
<body><main>${body}</main></body></html>`;
}

/** Error page for auth requests that must not be redirected. */
function errorPage(type, message, extraHtml = '') {
  const { code } = EVENTS[type];
  return page(
    'Authorization error',
    `<h1>Authorization error</h1>
<section id="error"><p class="code">error: ${escapeHtml(type)}</p>
<p class="code">error-code: ${code}</p><p>${escapeHtml(message)}</p>${extraHtml}</section>`,
  );
}

function providerSelectHtml() {
  const options = SELECTABLE_PROVIDERS.map((p) => `<option value="${p}">${p}</option>`).join('');
  return `<label for="provider">Provider</label><select id="provider" name="provider">${options}</select>`;
}

/**
 * The consent page. With `autoApproveMs` (a number) it approves itself that many ms after loading, by
 * clicking #approve from an inline script that only `scriptNonce` lets run; #auto-approve says so.
 */
function consentPage({ request, requestId, prefix, autoApproveMs = null, scriptNonce }) {
  const showSelect = !request.provider && request.prompt.includes('select_provider');
  const field = (id, label, value) => `<dt>${label}</dt><dd id="${id}">${escapeHtml(value)}</dd>`;
  return page(
    'Mock Nylas consent',
    `<h1>Mock Nylas: authorize application</h1>
<dl>${field('client-id', 'Client', request.clientId)}
${field('provider-name', 'Provider', request.provider ?? (showSelect ? '(choose below)' : DEFAULT_PROVIDER))}
${field('scopes', 'Scopes', request.scope)}
${field('login-hint', 'Login hint', request.loginHint ?? '(none)')}
${field('access-type', 'Access type', request.accessType)}
${field('response-type', 'Response type', request.responseType)}</dl>
<form method="post" action="${escapeHtml(prefix)}/connect/auth/decision">
<input type="hidden" name="request_id" value="${escapeHtml(requestId)}">
${showSelect ? providerSelectHtml() : ''}
<label for="email">Email</label><input id="email" name="email" value="${escapeHtml(request.loginHint ?? DEFAULT_EMAIL)}">
<div class="actions"><button id="approve" name="decision" value="approve">Approve</button>
<button id="deny" name="decision" value="deny">Deny</button></div>
</form>${autoApproveMs === null ? '' : autoApproveScript(autoApproveMs, scriptNonce)}`,
  );
}

function autoApproveScript(ms, nonce) {
  return `
<p id="auto-approve" data-delay-ms="${ms}">Approving automatically after ${ms} ms.</p>
<script nonce="${escapeHtml(nonce)}">setTimeout(function () { document.getElementById('approve').click(); }, ${ms});</script>`;
}

// ---------------------------------------------------------------------------
// Authorization-request validation
// ---------------------------------------------------------------------------

/** Returns a description of the first problem with the auth parameters, or null. */
function findAuthParamProblem(params, duplicates) {
  if (duplicates.length) return `Duplicate parameter: ${duplicates.join(', ')}`;
  const { response_type: responseType, code_challenge: challenge, code_challenge_method: method } = params;
  if (responseType !== 'code' && responseType !== 'adminconsent') {
    return 'response_type must be "code" or "adminconsent"';
  }
  if (responseType === 'adminconsent' && !params.credential_id) return 'credential_id is required for adminconsent';
  if (responseType === 'adminconsent' && !params.provider) return 'provider is required for adminconsent';
  if (method !== undefined && challenge === undefined) return 'code_challenge_method given without code_challenge';
  if (method !== undefined && method !== 'S256' && method !== 'plain') {
    return 'code_challenge_method must be "S256" or "plain"';
  }
  if (challenge !== undefined && !CODE_CHALLENGE_RE.test(challenge)) return 'code_challenge is malformed';
  if (params.access_type !== undefined && !['online', 'offline'].includes(params.access_type)) {
    return 'access_type must be "online" or "offline"';
  }
  if (params.state !== undefined && params.state.length > 1024) return 'state is too long (max 1024)';
  if (params.include_grant_scopes !== undefined && !['true', 'false'].includes(params.include_grant_scopes)) {
    return 'include_grant_scopes must be "true" or "false"';
  }
  return null;
}

/** Normalised, validated authorization request as remembered by the server. */
function normaliseAuthRequest(params) {
  return {
    clientId: params.client_id,
    redirectUri: params.redirect_uri,
    responseType: params.response_type,
    provider: params.provider || undefined,
    scope: params.scope?.trim() || DEFAULT_SCOPE,
    state: params.state,
    loginHint: params.login_hint || undefined,
    accessType: params.access_type ?? 'online',
    prompt: (params.prompt ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    challenge: params.code_challenge,
    challengeMethod: params.code_challenge === undefined ? undefined : (params.code_challenge_method ?? 'plain'),
    credentialId: params.credential_id,
    includeGrantScopes: params.include_grant_scopes === 'true',
  };
}

/** The reference's 403 body for a token that lacks a scope (the SDK reads it as insufficient_scope). */
function insufficientScopeBody(provided, required) {
  const list = (xs) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
  return {
    message: `You do not have access to the required scopes. You provided a token which has the following scopes: ${list(provided)}. You would need a token with at least one of the following scopes: ${list(required)}`,
    type: 'api_error',
  };
}

/** What the provider-detection endpoint answers for an address's domain. */
function detectProvider(email) {
  const domain = email.split('@').pop().toLowerCase();
  if (['gmail.com', 'googlemail.com'].includes(domain)) return { provider: 'google', type: 'google', detected: true };
  if (['outlook.com', 'hotmail.com', 'live.com', 'msn.com'].includes(domain)) {
    return { provider: 'microsoft', type: 'microsoft', detected: true };
  }
  if (['icloud.com', 'me.com', 'mac.com'].includes(domain)) return { provider: 'icloud', type: 'imap', detected: true };
  if (['yahoo.com', 'ymail.com'].includes(domain)) return { provider: 'yahoo', type: 'imap', detected: true };
  return { provider: 'imap', type: 'imap', detected: false };
}

/** A loopback redirect allowed by prefix must still be a sane URL (no userinfo tricks, no fragment). */
function isSafePrefixedUri(uri) {
  try {
    const parsed = new URL(uri);
    return !parsed.username && !parsed.password && !uri.includes('#');
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// The mock service
// ---------------------------------------------------------------------------

class MockNylas {
  constructor(initialConfig) {
    this.initialConfig = structuredClone(initialConfig);
    this.config = structuredClone(initialConfig);
    this.stats = {};
    this.jwtKey = randomBytes(32);
    this.pendingTimers = new Set();
    this.baseUrl = '';
    this.port = 0; // the port listened on, set once listening
    this.clearState();
    this.routes = this.buildRoutes();
  }

  // -- state ---------------------------------------------------------------

  clearState() {
    this.codes = new Map(); // code -> code record
    this.pendingConsents = new Map(); // request_id -> { request, prefix, expiresAt }
    this.tokens = new Map(); // token -> { kind: 'access'|'id'|'refresh', session, iat?, exp?, active }
    this.grants = new Map(); // `${clientId}\n${email}` -> { id, createdAt, updatedAt }
    replaceContents(this.stats, {
      requests: Object.fromEntries(STAT_ENDPOINTS.map((name) => [name, 0])),
      tokenRequests: [],
      clientSecretSeen: false,
    });
  }

  reset() {
    replaceContents(this.config, structuredClone(this.initialConfig));
    this.clearState();
  }

  client(clientId) {
    return typeof clientId === 'string' && Object.hasOwn(this.config.clients, clientId)
      ? this.config.clients[clientId]
      : undefined;
  }

  isRedirectAllowed(client, uri) {
    if (typeof uri !== 'string' || !HEADER_SAFE_RE.test(uri)) return false;
    if (client.redirectUris.includes(uri)) return true;
    return (
      this.config.allowAnyLoopbackRedirect &&
      this.config.redirectUriPrefixes.some((prefix) => uri.startsWith(prefix)) &&
      isSafePrefixedUri(uri)
    );
  }

  /**
   * Whether a Host header names this server on this machine: 127.0.0.1, localhost or [::1] (any case),
   * with the port it listens on (no port means 80). Browsers always send this for a loopback URL.
   */
  isHostAllowed(host) {
    const match = typeof host === 'string' ? LOOPBACK_HOST_RE.exec(host) : null;
    return match !== null && (match[1] ?? '80') === String(this.port);
  }

  isOriginAllowed(origin) {
    if (!origin) return false;
    const allowed = this.config.corsOrigins;
    return allowed === 'loopback' ? LOOPBACK_ORIGIN_RE.test(origin) : allowed.includes(origin);
  }

  // -- timers (fault delays) -------------------------------------------------

  /** setTimeout-based sleep that close() can cancel, so nothing keeps the process alive. */
  sleep(ms) {
    return new Promise((resolve, reject) => {
      const entry = {
        reject,
        timer: setTimeout(() => {
          this.pendingTimers.delete(entry);
          resolve();
        }, ms),
      };
      this.pendingTimers.add(entry);
    });
  }

  cancelTimers() {
    for (const entry of this.pendingTimers) {
      clearTimeout(entry.timer);
      entry.reject(new ServerClosedError('server closed'));
    }
    this.pendingTimers.clear();
  }

  // -- routing ---------------------------------------------------------------

  /** Map of path -> { METHOD: { handler, endpoint, prefix } }. */
  buildRoutes() {
    const routes = new Map();
    const add = (path, method, handler, endpoint, prefix = '') => {
      if (!routes.has(path)) routes.set(path, {});
      routes.get(path)[method] = { handler: handler.bind(this), endpoint, prefix };
    };
    for (const prefix of ['/v3', '']) {
      add(`${prefix}/connect/auth`, 'GET', this.handleAuth, 'auth', prefix);
      add(`${prefix}/connect/auth/decision`, 'POST', this.handleDecision, 'decision', prefix);
      add(`${prefix}/connect/token`, 'POST', this.handleToken, 'token', prefix);
      add(`${prefix}/connect/revoke`, 'POST', this.handleRevoke, 'revoke', prefix);
      add(`${prefix}/connect/tokeninfo`, 'GET', this.handleTokenInfo, 'tokeninfo', prefix);
      add(prefix ? `${prefix}/grants/me` : '/connect/grants/me', 'GET', this.handleGrantsMe, 'grants', prefix);
      add(
        prefix ? `${prefix}/grants/me/messages` : '/connect/grants/me/messages',
        'GET',
        this.handleMessages,
        'messages',
        prefix,
      );
      add(
        prefix ? `${prefix}/providers/detect` : '/connect/providers/detect',
        'GET',
        this.handleDetect,
        'detect',
        prefix,
      );
    }
    add('/__mock/config', 'POST', this.handleControlConfig, 'control');
    add('/__mock/reset', 'POST', this.handleControlReset, 'control');
    add('/__mock/stats', 'GET', this.handleControlStats, 'control');
    return routes;
  }

  /** Entry point for every HTTP request. */
  async handle(req, res) {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!this.isHostAllowed(req.headers.host)) {
      // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 sends `Host: evil.example`.
      return sendNylasError(
        res,
        new NylasError('forbidden', { message: "Host must be 127.0.0.1, localhost or [::1] with this server's port" }),
      );
    }
    this.applyCors(req, res);
    try {
      await this.dispatch(req, res);
    } catch (err) {
      this.renderError(res, err);
    }
  }

  applyCors(req, res) {
    res.setHeader('Vary', 'Origin');
    const origin = req.headers.origin;
    if (!this.isOriginAllowed(origin)) return;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization');
    res.setHeader('Access-Control-Max-Age', '600');
  }

  async dispatch(req, res) {
    const url = new URL(req.url, this.baseUrl);
    const methods = this.routes.get(url.pathname);
    if (!methods) throw new NylasError('not_found_error');
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    const route = methods[req.method];
    if (!route) {
      res.setHeader('Allow', [...Object.keys(methods), 'OPTIONS'].join(', '));
      throw new NylasError('method_not_allowed');
    }
    if (Object.hasOwn(this.stats.requests, route.endpoint)) this.stats.requests[route.endpoint] += 1;
    // Every response a popup navigates through here (pages, error pages, redirects) carries the COOP.
    if (this.config.coop !== null && (route.endpoint === 'auth' || route.endpoint === 'decision')) {
      res.setHeader('Cross-Origin-Opener-Policy', this.config.coop);
    }
    if (await this.applyFault(req, res, route.endpoint)) return;
    await route.handler({ req, res, url, prefix: route.prefix });
  }

  renderError(res, err) {
    if (err instanceof ServerClosedError || res.headersSent || res.destroyed) {
      if (!res.headersSent && !res.destroyed) res.destroy();
      return;
    }
    if (err instanceof OAuthError) return sendOAuthError(res, err);
    if (err instanceof NylasError) return sendNylasError(res, err);
    process.stderr.write(`mock nylas: internal error: ${err?.stack ?? err}\n`);
    sendNylasError(res, new NylasError('internal_error'));
  }

  /** Applies the configured fault for `endpoint`. Returns true if the response was handled. */
  async applyFault(req, res, endpoint) {
    const fault = FAULT_ENDPOINTS.includes(endpoint) ? this.config.faults[endpoint] : undefined;
    switch (fault) {
      case '500':
        sendNylasError(res, new NylasError('internal_error'));
        return true;
      case 'html502':
        res.writeHead(502, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        return true;
      case 'drop':
        req.socket.destroy();
        return true;
      case 'slow':
        await this.sleep(this.config.faults.slowMs ?? DEFAULT_SLOW_MS);
        return false;
      default:
        return false;
    }
  }

  // -- GET …/connect/auth --------------------------------------------------------

  handleAuth({ res, url, prefix }) {
    const { params, duplicates } = collectParams(url.searchParams);
    if (duplicates.includes('client_id') || duplicates.includes('redirect_uri')) {
      return sendHtml(res, 400, errorPage('invalid_request', 'client_id and redirect_uri must appear exactly once'));
    }
    const client = this.client(params.client_id);
    if (!client) {
      return sendHtml(res, 400, errorPage('invalid_client', 'Unknown or missing client_id'));
    }
    if (!this.isRedirectAllowed(client, params.redirect_uri)) {
      const mismatch = EVENTS.redirect_uri_mismatch;
      return sendHtml(
        res,
        400,
        errorPage(
          'redirect_uri_not_allowed',
          'Missing or unregistered redirect_uri',
          `<p class="code">redirect_uri_mismatch (${mismatch.code}): ${escapeHtml(mismatch.message)}</p>`,
        ),
      );
    }
    const problem = findAuthParamProblem(params, duplicates);
    if (problem) {
      return this.redirectError(res, params.redirect_uri, params.state, 'invalid_request', problem, prefix);
    }
    const request = { ...normaliseAuthRequest(params), prefix };
    const autoApproveMs = this.config.consentDelayMs;
    if (this.config.autoApprove && autoApproveMs === null) {
      return this.approve(res, request, { provider: request.provider, email: request.loginHint });
    }
    this.prunePendingConsents();
    const requestId = randomToken();
    const expiresAt = Date.now() + (autoApproveMs ?? 0) + PENDING_CONSENT_TTL_MS;
    this.pendingConsents.set(requestId, { request, prefix, expiresAt });
    const scriptNonce = autoApproveMs === null ? undefined : randomToken();
    sendHtml(res, 200, consentPage({ request, requestId, prefix, autoApproveMs, scriptNonce }), { scriptNonce });
  }

  prunePendingConsents() {
    const now = Date.now();
    for (const [id, pending] of this.pendingConsents) {
      if (pending.expiresAt <= now) this.pendingConsents.delete(id);
    }
  }

  redirectError(res, redirectUri, state, error, description, prefix) {
    sendRedirect(
      res,
      appendQuery(redirectUri, {
        error,
        error_description: description,
        error_uri: errorUri(EVENTS[error].code),
        state,
        ...this.issParam(prefix),
      }),
    );
  }

  /**
   * RFC 9207: `{ iss }` for an authorization response when `config.iss` is set: `'auto'` sends this mock's
   * own issuer (its base URL and the route's prefix, e.g. `http://127.0.0.1:4010/v3`), any other string is
   * sent as it is (a wrong issuer, for mix-up tests); `null` (the default, like Nylas today) sends none.
   */
  issParam(prefix = '/v3') {
    const iss = this.config.iss;
    if (iss === null) return {};
    return { iss: iss === 'auto' ? `${this.baseUrl}${prefix}` : iss };
  }

  /** Completes an approved request: adminconsent confirmation or a fresh authorization code. */
  approve(res, request, choice) {
    if (request.responseType === 'adminconsent') {
      return sendRedirect(
        res,
        appendQuery(request.redirectUri, {
          admin_consent: 'true',
          state: request.state,
          ...this.issParam(request.prefix),
        }),
      );
    }
    const code = randomToken();
    const email = choice.email || request.loginHint || DEFAULT_EMAIL;
    // include_grant_scopes: the new grant's scopes are the old grant's plus the requested ones.
    const grant = request.includeGrantScopes ? this.grants.get(`${request.clientId}\n${email}`) : undefined;
    const scope = grant?.scope
      ? [...new Set([...grant.scope.split(/\s+/), ...request.scope.split(/\s+/)])].filter(Boolean).join(' ')
      : request.scope;
    this.codes.set(code, {
      ...request,
      scope,
      provider: choice.provider ?? request.provider ?? DEFAULT_PROVIDER,
      email,
      expiresAt: Date.now() + this.config.codeTtlMs,
      used: false,
      session: undefined,
    });
    sendRedirect(
      res,
      appendQuery(request.redirectUri, { code, state: request.state, ...this.issParam(request.prefix) }),
    );
  }

  // -- POST …/connect/auth/decision -------------------------------------------------

  async handleDecision({ req, res }) {
    let fields;
    try {
      ({ fields } = await parseBody(req));
      requireStringFields(fields);
    } catch (err) {
      return sendHtml(res, 400, errorPage('invalid_request', err.message));
    }
    const pending = this.pendingConsents.get(fields.request_id ?? '');
    if (!pending || pending.expiresAt <= Date.now()) {
      return sendHtml(res, 400, errorPage('login_id_invalid', EVENTS.login_id_invalid.message));
    }
    if (fields.decision !== 'approve' && fields.decision !== 'deny') {
      return sendHtml(res, 400, errorPage('invalid_request', 'decision must be "approve" or "deny"'));
    }
    this.pendingConsents.delete(fields.request_id);
    const { request } = pending;
    if (fields.decision === 'deny') {
      return this.redirectError(
        res,
        request.redirectUri,
        request.state,
        'access_denied',
        'User denied consent',
        request.prefix,
      );
    }
    const chosen = SELECTABLE_PROVIDERS.includes(fields.provider) ? fields.provider : undefined;
    this.approve(res, request, {
      provider: request.provider ?? chosen,
      email: fields.email?.trim() || undefined,
    });
  }

  // -- POST …/connect/token ---------------------------------------------------------

  async handleToken({ req, res, prefix }) {
    const record = { contentType: mediaTypeOf(req) || null, grantType: null, fields: [] };
    this.stats.tokenRequests.push(record);
    // HTTP Basic auth carries a client secret too; a public (PKCE) client must never send one.
    const hasBasicAuth = /^basic\s/i.test(req.headers.authorization ?? '');
    if (hasBasicAuth) this.stats.clientSecretSeen = true;
    let fields;
    try {
      const parsed = await parseBody(req);
      record.fields = Object.keys(parsed.fields).sort();
      record.grantType = typeof parsed.fields.grant_type === 'string' ? parsed.fields.grant_type : null;
      if ('client_secret' in parsed.fields) this.stats.clientSecretSeen = true;
      requireStringFields(parsed.fields);
      fields = parsed.fields;
    } catch (err) {
      throw new OAuthError('invalid_request', err.message);
    }
    sendJson(res, 200, this.grantTokens(fields, `${this.baseUrl}${prefix}`, hasBasicAuth));
  }

  grantTokens(fields, issuer, hasBasicAuth) {
    if (!fields.grant_type) throw new OAuthError('invalid_request', 'grant_type is required');
    if (fields.grant_type === 'authorization_code') return this.exchangeCode(fields, issuer);
    if (fields.grant_type === 'refresh_token') return this.refresh(fields, hasBasicAuth);
    throw new OAuthError('unsupported_grant_type', `Unsupported grant_type: ${fields.grant_type}`);
  }

  /** Checks required fields and the client; returns the client. */
  requireClientAndFields(fields, names) {
    const missing = names.filter((name) => !fields[name]);
    if (missing.length) throw new OAuthError('invalid_request', `Missing required parameter: ${missing.join(', ')}`);
    const client = this.client(fields.client_id);
    if (!client) throw new OAuthError('invalid_client', 'Unknown client_id');
    return client;
  }

  exchangeCode(fields, issuer) {
    const code = typeof fields.code === 'string' ? this.codes.get(fields.code) : undefined;
    const reused = code?.used === true;
    if (code) {
      // RFC 6749 §4.1.2: a reused code revokes everything issued from it.
      if (reused && code.session) code.session.revoked = true;
      code.used = true; // consumed by its first redemption attempt, whatever the outcome
    }
    this.requireClientAndFields(fields, ['client_id', 'code', 'redirect_uri']);
    if (!code) throw new OAuthError('invalid_grant', 'Invalid authorization code');
    if (reused)
      throw new OAuthError('invalid_grant', 'Authorization code already used; tokens issued from it were revoked');
    if (code.expiresAt <= Date.now()) throw new OAuthError('invalid_grant', 'Authorization code expired');
    if (code.clientId !== fields.client_id) throw new OAuthError('invalid_grant', 'Code was issued to another client');
    if (code.redirectUri !== fields.redirect_uri) throw new OAuthError('invalid_grant', 'redirect_uri mismatch');
    this.verifyPkce(code, fields.code_verifier);
    code.session = this.createSession(code, issuer);
    return this.issueTokens(code.session);
  }

  verifyPkce(code, verifier) {
    if (code.challenge === undefined) {
      if (verifier !== undefined)
        throw new OAuthError('invalid_grant', 'code_verifier sent but no code_challenge was used');
      return;
    }
    if (!verifier) throw new OAuthError('invalid_request', 'code_verifier is required');
    const challenge = { challenge: code.challenge, method: code.challengeMethod };
    if (!pkceMatches(challenge, verifier, this.config.challengeEncoding)) {
      throw new OAuthError('invalid_grant', 'code_verifier does not match code_challenge');
    }
  }

  refresh(fields, hasBasicAuth) {
    this.requireClientAndFields(fields, ['client_id', 'refresh_token']);
    if (!this.config.publicRefresh && fields.client_secret === undefined && !hasBasicAuth) {
      throw new OAuthError('invalid_request', 'client_secret is required to refresh');
    }
    const entry = this.validToken(fields.refresh_token, 'refresh');
    if (!entry || entry.session.clientId !== fields.client_id) {
      throw new OAuthError('invalid_grant', 'Invalid, expired or revoked refresh_token');
    }
    entry.active = false; // rotation: the old refresh token stops working
    return this.issueTokens(entry.session);
  }

  /** One session per successful code exchange; all its tokens are siblings. */
  createSession(code, issuer) {
    const grant = this.upsertGrant(code.clientId, code.email);
    grant.scope = code.scope;
    return {
      clientId: code.clientId,
      grantId: grant.id,
      email: code.email,
      provider: code.provider,
      scope: code.scope,
      offline: code.accessType === 'offline',
      issuer,
      revoked: false,
    };
  }

  upsertGrant(clientId, email) {
    const key = `${clientId}\n${email}`;
    const grant = this.grants.get(key) ?? { id: randomUUID(), createdAt: nowSec() };
    grant.updatedAt = nowSec();
    this.grants.set(key, grant);
    return grant;
  }

  /**
   * Registers a token. `lifetime` is `{ iat, exp }` in epoch seconds (omit for
   * non-expiring refresh tokens); validity is checked against `exp` precisely.
   */
  addToken(token, kind, session, lifetime = {}) {
    this.tokens.set(token, { kind, session, ...lifetime, active: true });
    return token;
  }

  issueTokens(session) {
    const ttl = this.config.accessTokenTtlSec;
    const iat = Date.now() / 1000;
    const lifetime = { iat: Math.floor(iat), exp: iat + ttl };
    const accessToken = this.addToken(randomToken(), 'access', session, lifetime);
    const idToken = this.addToken(
      signJwt(this.claims(session, lifetime.iat, ttl), this.jwtKey),
      'id',
      session,
      lifetime,
    );
    const body = {
      access_token: accessToken,
      expires_in: ttl,
      id_token: idToken,
      scope: session.scope,
      token_type: 'Bearer',
      grant_id: session.grantId,
      email: session.email,
      provider: session.provider,
    };
    if (session.offline) body.refresh_token = this.addToken(randomToken(), 'refresh', session);
    return body;
  }

  /** id_token claims; `jti` keeps otherwise identical tokens (same grant, same second) distinct. */
  claims(session, iat, ttlSec) {
    return {
      iss: session.issuer,
      aud: session.clientId,
      sub: session.grantId,
      email: session.email,
      provider: session.provider,
      iat,
      exp: iat + ttlSec,
      jti: randomUUID(),
    };
  }

  /** Returns the token entry if it exists, has `kind`, is active, unexpired and unrevoked. */
  validToken(token, kind) {
    const entry = typeof token === 'string' ? this.tokens.get(token) : undefined;
    if (!entry || entry.kind !== kind || !entry.active || entry.session.revoked) return undefined;
    if (entry.exp !== undefined && entry.exp * 1000 <= Date.now()) return undefined;
    return entry;
  }

  // -- POST …/connect/revoke -------------------------------------------------------

  handleRevoke({ res, url }) {
    const { params, duplicates } = collectParams(url.searchParams);
    if (duplicates.length || !params.token) {
      throw new NylasError('invalid_request', { message: 'Query parameter token is required (exactly once)' });
    }
    // Revoking any token revokes the whole session: sibling access/id tokens and the refresh token.
    const entry = this.tokens.get(params.token);
    if (entry) entry.session.revoked = true;
    sendJson(res, 200, {}); // unknown tokens are not an error (RFC 7009 §2.2)
  }

  // -- GET …/connect/tokeninfo --------------------------------------------------------

  handleTokenInfo({ res, url }) {
    const { params, duplicates } = collectParams(url.searchParams);
    const given = ['access_token', 'id_token'].filter((name) => params[name] !== undefined);
    if (duplicates.length || given.length !== 1) {
      throw new NylasError('invalid_request', { message: 'Exactly one of access_token or id_token is required' });
    }
    const kind = given[0] === 'access_token' ? 'access' : 'id';
    const entry = this.validToken(params[given[0]], kind);
    if (!entry) throw new NylasError('invalid_token');
    const { session } = entry;
    sendJson(res, 200, {
      request_id: randomUUID(),
      data: {
        iss: session.issuer,
        aud: session.clientId,
        sub: session.grantId,
        email: session.email,
        iat: entry.iat,
        exp: Math.floor(entry.exp),
        scope: session.scope,
        provider: session.provider,
      },
    });
  }

  // -- GET …/grants/me/messages: a resource that needs a scope ------------------------

  /**
   * A stand-in for a Nylas API call that needs one of `config.messagesScopes` (default: Gmail read or
   * modify): 403 with the reference's insufficient-scopes body when the token has none of them.
   */
  handleMessages({ req, res }) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!match) throw new NylasError('invalid_request_error', { message: 'Missing Bearer access token' });
    const entry = this.validToken(match[1], 'access');
    if (!entry) throw new NylasError('invalid_token', { status: 401 });
    const have = entry.session.scope.split(/\s+/).filter(Boolean);
    const need = this.config.messagesScopes;
    if (!need.some((s) => have.includes(s))) return sendJson(res, 403, insufficientScopeBody(have, need));
    sendJson(res, 200, { request_id: randomUUID(), data: [] });
  }

  // -- GET …/providers/detect ------------------------------------------------------

  /** Reference "Autodetect provider": with `client_id` (a known client) no Basic auth is needed. */
  handleDetect({ res, url }) {
    const email = url.searchParams.get('email');
    const clientId = url.searchParams.get('client_id');
    if (!clientId || !this.client(clientId)) {
      throw new NylasError('invalid_request_error', { message: 'client_id or Basic auth is required' });
    }
    if (!email?.includes('@')) throw new NylasError('invalid_query_params', { message: 'email is required' });
    sendJson(res, 200, { request_id: randomUUID(), data: { ...detectProvider(email), email } });
  }

  // -- GET …/grants/me -------------------------------------------------------------

  handleGrantsMe({ req, res }) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!match) {
      throw new NylasError('invalid_request_error', { message: 'Missing Bearer access token' });
    }
    const entry = this.validToken(match[1], 'access');
    if (!entry) throw new NylasError('invalid_token', { status: 401 });
    const { session } = entry;
    const grant = this.grants.get(`${session.clientId}\n${session.email}`);
    sendJson(res, 200, {
      request_id: randomUUID(),
      data: {
        id: session.grantId,
        provider: session.provider,
        grant_status: 'valid',
        email: session.email,
        scope: session.scope.split(/\s+/).filter(Boolean),
        created_at: grant.createdAt,
        updated_at: grant.updatedAt,
      },
    });
  }

  // -- control API -----------------------------------------------------------------

  async handleControlConfig({ req, res }) {
    let patch;
    try {
      const { mediaType, fields } = await parseBody(req);
      if (mediaType !== 'application/json') throw new Error('Content-Type must be application/json');
      patch = { ...fields };
      validateConfigPatch(patch);
    } catch (err) {
      throw new NylasError('invalid_request_payload', { message: err.message });
    }
    applyConfigPatch(this.config, patch);
    sendJson(res, 200, this.config);
  }

  handleControlReset({ res }) {
    this.reset();
    sendJson(res, 200, this.config);
  }

  handleControlStats({ res }) {
    sendJson(res, 200, this.stats);
  }
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/**
 * Starts the mock on 127.0.0.1.
 * @param {object} [options] port plus any config key (see defaultConfig()).
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>, config: object, stats: object}>}
 *   `config` and `stats` are live objects (mutated in place by the control API).
 */
export async function startMockServer(options = {}) {
  const { port = 0, ...overrides } = options;
  validateConfigPatch(overrides);
  const config = defaultConfig();
  applyConfigPatch(config, overrides);
  const mock = new MockNylas(config);

  const server = http.createServer((req, res) => {
    mock.handle(req, res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  mock.baseUrl = `http://${HOST}:${actualPort}`;
  mock.port = actualPort;

  let closing;
  const close = () => {
    closing ??= new Promise((resolve) => {
      mock.cancelTimers();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };

  return { url: mock.baseUrl, port: actualPort, close, config: mock.config, stats: mock.stats };
}

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

const USAGE = `usage: node tests/mock-server/server.mjs [--port 4010] [--client-id demo-client]
  [--redirect-uri URI]... [--cors-origin ORIGIN]... [--auto-approve] [--public-refresh]
  [--challenge-encoding nylas|rfc7636|any] [--exact-redirects] [--iss auto|VALUE]
  [--coop same-origin|same-origin-allow-popups|noopener-allow-popups|unsafe-none] [--consent-delay-ms N]`;

/** A flag's value as a number if it is all digits, else NaN (which the config validators refuse). */
const wholeNumber = (text) => (/^\d{1,10}$/.test(text) ? Number(text) : Number.NaN);

/** Parses CLI flags into startMockServer options. Throws on unknown or incomplete flags. */
function parseCliArgs(argv) {
  const defaults = defaultConfig();
  const [defaultId, defaultClient] = Object.entries(defaults.clients)[0];
  let clientId = defaultId;
  const redirectUris = [...defaultClient.redirectUris];
  const corsOrigins = [];
  const options = {};
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`missing value for ${flag}`);
      i += 1;
      return argv[i];
    };
    switch (flag) {
      case '--port':
        options.port = Number.parseInt(value(), 10);
        break;
      case '--client-id':
        clientId = value();
        break;
      case '--redirect-uri':
        redirectUris.push(value());
        break;
      case '--cors-origin':
        corsOrigins.push(value());
        break;
      case '--challenge-encoding':
        options.challengeEncoding = value();
        break;
      case '--auto-approve':
        options.autoApprove = true;
        break;
      case '--public-refresh':
        options.publicRefresh = true;
        break;
      case '--exact-redirects':
        options.allowAnyLoopbackRedirect = false;
        break;
      case '--iss':
        options.iss = value();
        break;
      case '--coop':
        options.coop = value();
        break;
      case '--consent-delay-ms':
        options.consentDelayMs = wholeNumber(value());
        break;
      default:
        throw new Error(`unknown argument: ${flag}`);
    }
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port < 65536)) {
    throw new Error('--port must be an integer 0-65535');
  }
  options.clients = { [clientId]: { redirectUris } };
  if (corsOrigins.length) options.corsOrigins = corsOrigins;
  return options;
}

async function main() {
  let options;
  try {
    options = parseCliArgs(process.argv.slice(2));
    const { port, ...config } = options;
    validateConfigPatch(config);
  } catch (err) {
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const mock = await startMockServer(options);
  process.stdout.write(`mock nylas listening on ${mock.url}\n`);
  const shutdown = () => {
    mock.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

function isMainModule() {
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isMainModule()) main();
