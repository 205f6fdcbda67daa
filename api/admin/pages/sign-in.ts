import { html, type Html } from '../html';

/** The admin key is typed once here; after that the browser holds only an HttpOnly session cookie. */
export function signInPage(csrfToken: string, next: string, error: string | null): Html {
  return html`<form method="post" action="/admin/sign-in" class="sign-in" hx-boost="false">
    <input type="hidden" name="_csrf" value="${csrfToken}">
    <input type="hidden" name="next" value="${next}">
    ${error ? html`<p class="flash flash-error" role="alert" id="sign-in-error">${error}</p>` : ''}
    <div class="field">
      <label for="admin_key">Admin key</label>
      <input id="admin_key" name="admin_key" type="password" autocomplete="off" required autofocus spellcheck="false"
        ${error ? html`aria-invalid="true" aria-describedby="sign-in-error"` : ''}>
    </div>
    <p class="hint">The key <code>npm start</code> printed as <em>admin key</em>, or <code>ADMIN_API_KEY</code>. It is checked once and not kept in this browser.</p>
    <button type="submit">Sign in</button>
  </form>`;
}
