import type { AuthLinkRow } from './auth-link-store.js';

/**
 * The page a customer's administrator opens from an authorization link. Plain HTML with a
 * form and a same-origin stylesheet: no inline script or style, so it is served under a
 * strict Content-Security-Policy.
 */
export const CONSENT_PAGE_CSP = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const CONSENT_STYLESHEET = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600}
form{display:flex;gap:1rem;margin-top:2rem}button{font-size:1rem;padding:.5rem 1.2rem;cursor:pointer}
button[value=accept]{background:#0b5cad;color:#fff;border:0}.note{color:#555}`;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><link rel="stylesheet" href="/app/consent.css"></head>
<body><h1>${escape(title)}</h1>${body}</body></html>
`;
}

export function consentForm(link: AuthLinkRow, organization: string): string {
  const request = JSON.parse(link.request) as { tenantFriendlyName?: string; productNames?: string[] };
  const what =
    link.kind === 'add-tenant'
      ? `<p>Your partner asks to add your Microsoft 365 tenant to Elements and to manage it on your behalf.</p>`
      : `<p>Your partner asks you to authorize these service apps for your Microsoft 365 tenant: ${escape((request.productNames ?? []).join(', '))}.</p>`;
  return page(
    link.kind === 'add-tenant' ? 'Add your Microsoft 365 tenant to Elements' : 'Authorize Elements service apps',
    `${what}<dl><dt>Organization</dt><dd>${escape(organization)}</dd><dt>Tenant</dt><dd>${escape(link.tenant_id)}</dd>${
      request.tenantFriendlyName ? `<dt>Tenant name</dt><dd>${escape(request.tenantFriendlyName)}</dd>` : ''
    }<dt>Link expires</dt><dd>${new Date(link.expires_at).toISOString()}</dd></dl>
<form method="post" action="/app/CustomerAppAuthorizationLink">
<input type="hidden" name="linkId" value="${escape(link.id)}"><input type="hidden" name="tenantId" value="${escape(link.tenant_id)}">
<button type="submit" name="decision" value="accept">Accept</button><button type="submit" name="decision" value="decline">Decline</button>
</form><p class="note">This link works once.</p>`,
  );
}

export const decidedPage = (accepted: boolean) =>
  page(accepted ? 'Consent given' : 'Consent declined', `<p>${accepted ? 'Thank you. Your partner can now manage the tenant in Elements.' : 'Nothing was changed. Your partner has been told you declined.'}</p>`);

export const unusablePage = (reason: string) => page('This link cannot be used', `<p>${escape(reason)}</p>`);
