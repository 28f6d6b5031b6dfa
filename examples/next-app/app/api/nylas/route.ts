// The app's backend for sessions longer than the access token's hour: it exchanges the code and refreshes
// with the API key, which stays on the server (NYLAS_API_KEY, never a NEXT_PUBLIC_ variable). The browser's
// NylasAuth calls it through its codeExchange and refresh hooks (app/backend/provider.tsx) and checks every
// answer itself. The refresh token stays here too: the browser never holds it.
//
// Kept in memory, per grant, for this example: a real app keeps refresh tokens in its database, encrypted,
// and checks that the grant belongs to the signed-in user of its own session before refreshing it.
import { NextResponse } from 'next/server';

const apiBase = process.env.NYLAS_API_BASE ?? process.env.NEXT_PUBLIC_NYLAS_API_BASE ?? 'https://api.us.nylas.com/v3';
const clientId = process.env.NEXT_PUBLIC_NYLAS_CLIENT_ID ?? 'demo-client';
const refreshTokens = new Map<string, string>();

type Body =
  | { grantType: 'authorization_code'; code: string; codeVerifier: string; redirectUri: string }
  | { grantType: 'refresh_token'; grantId: string };

export async function POST(request: Request) {
  const apiKey = process.env.NYLAS_API_KEY;
  if (!apiKey)
    return NextResponse.json({ error: 'server_error', error_description: 'no NYLAS_API_KEY' }, { status: 500 });
  const body = (await request.json()) as Body;
  let grant: Record<string, string>;
  if (body.grantType === 'authorization_code') {
    grant = {
      grant_type: 'authorization_code',
      code: body.code,
      code_verifier: body.codeVerifier,
      redirect_uri: body.redirectUri,
    };
  } else if (body.grantType === 'refresh_token') {
    const refreshToken = refreshTokens.get(body.grantId);
    if (!refreshToken) return NextResponse.json({ error: 'invalid_grant' }, { status: 400 });
    grant = { grant_type: 'refresh_token', refresh_token: refreshToken };
  } else {
    return NextResponse.json({ error: 'invalid_request' }, { status: 400 });
  }
  const res = await fetch(`${apiBase}/connect/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...grant, client_id: clientId, client_secret: apiKey }),
    redirect: 'error',
    cache: 'no-store',
  });
  const answer = (await res.json()) as Record<string, unknown>;
  const { refresh_token, ...forBrowser } = answer;
  if (res.ok && typeof refresh_token === 'string' && typeof answer.grant_id === 'string') {
    refreshTokens.set(answer.grant_id, refresh_token);
  }
  // Nylas's answer as it came (status and fields), less the refresh token: the SDK checks it.
  return NextResponse.json(forBrowser, { status: res.status });
}
