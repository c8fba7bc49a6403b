// Sign-in shared by both pages: a bearer token kept for this tab only, and a fetch wrapper that sends it.

const storageKey = 'conversations.token';

/** The signed-in token, or null. */
export function currentToken() {
  const token = sessionStorage.getItem(storageKey);
  if (token && isExpired(token)) {
    sessionStorage.removeItem(storageKey);
    return null;
  }
  return token;
}

export function signOut() {
  sessionStorage.removeItem(storageKey);
}

/** The token's claims (sub, tier, role, exp), decoded for display only; the server is what checks them. */
export function claims(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(payload), c => c.charCodeAt(0)));
    const value = JSON.parse(json);
    return { ...value, roles: [value.role ?? []].flat() };
  } catch {
    return { roles: [] };
  }
}

function isExpired(token) {
  const { exp } = claims(token);
  return typeof exp === 'number' && exp * 1000 < Date.now();
}

/** An API error with the problem details the server sent. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Calls the REST API with the token; JSON in and out; throws ApiError on a non-2xx answer. */
export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = { Accept: 'application/json' };
  const token = currentToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const value = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, value);
  return value;
}

/**
 * Wires the sign-in section: in Development a form that mints a token, otherwise a field to paste one.
 * Calls onSignedIn(token) now if a token is kept, or later when the user signs in.
 */
export async function mountSignIn(root, { roles, onSignedIn, onSignedOut }) {
  const devForm = root.querySelector('[data-dev-token-form]');
  const pasteForm = root.querySelector('[data-paste-token-form]');
  const error = root.querySelector('[data-sign-in-error]');
  const who = document.querySelector('[data-signed-in-as]');
  const signOutButton = document.querySelector('[data-sign-out]');

  const show = token => {
    root.hidden = Boolean(token);
    signOutButton.hidden = !token;
    if (token) {
      const c = claims(token);
      who.textContent = `${c.sub}${c.tier ? ` · ${c.tier}` : ''} · ${c.roles.join(', ')}`;
      onSignedIn(token);
    } else {
      who.textContent = 'Not signed in';
    }
  };

  const accept = token => {
    sessionStorage.setItem(storageKey, token);
    error.textContent = '';
    show(token);
  };

  const environment = await fetch('pages/environment.json').then(r => r.json()).catch(() => ({ development_tokens: false }));
  devForm.hidden = !environment.development_tokens;
  const tiers = devForm.querySelector('select[data-tiers]');
  if (tiers && environment.tiers?.length) {
    // The server's own tiers: a token for a tier it does not know is refused.
    tiers.replaceChildren(...environment.tiers.map(t => new Option(t, t, t === environment.default_tier, t === environment.default_tier)));
  }

  devForm.addEventListener('submit', async event => {
    event.preventDefault();
    const data = new FormData(devForm);
    try {
      const minted = await api('api/v1/dev/tokens', {
        method: 'POST',
        body: { user_id: data.get('user_id'), tier: data.get('tier') || null, roles },
      });
      accept(minted.access_token);
    } catch (e) {
      error.textContent = `Could not get a development token: ${e.message}`;
    }
  });

  pasteForm.addEventListener('submit', event => {
    event.preventDefault();
    const token = new FormData(pasteForm).get('token').trim();
    if (token.split('.').length !== 3) {
      error.textContent = 'That does not look like a JWT.';
      return;
    }
    accept(token);
  });

  signOutButton.addEventListener('click', () => {
    signOut();
    show(null);
    onSignedOut?.();
  });

  show(currentToken());
}
