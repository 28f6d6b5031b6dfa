// The client's options, shared by the login page and the callback page. The test passes the mock's base
// URL as ?api= on the first page; it is kept in sessionStorage for the callback.
const api = new URLSearchParams(location.search).get('api');
if (api) sessionStorage.setItem('api', api);

export const options = {
  clientId: 'demo-client',
  redirectUri: new URL('callback.html', location.href).href,
  apiBase: sessionStorage.getItem('api'),
};

/** Shows a result (or an error) in #out for the test to read. */
export function show(result) {
  const out = document.getElementById('out');
  out.textContent = JSON.stringify(result);
  out.dataset.state = 'done';
}

export const failed = (e) => show({ error: e?.code ?? 'exception', message: String(e?.message ?? e) });
