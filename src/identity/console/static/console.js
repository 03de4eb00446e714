// Meridian console: a client of this host's admin API (/admin/...), the API the CLI uses.
// No framework and no build step; every page is built with DOM calls (no HTML strings), so
// nothing a tenant or app name contains can become markup.

// The bearer of every admin call: the operator's admin key, or a tenant administrator's access token.
const KEY_STORAGE = 'meridian-admin-key';
// 'operator', or the id of the tenant a tenant administrator administers.
const ROLE_STORAGE = 'meridian-admin-role';
const TENANT_ADMIN_SCOPE = 'meridian.tenant.admin';
const main = document.getElementById('main');
const nav = document.getElementById('nav');
const status = document.getElementById('status');

// ---- DOM helpers -----------------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'text') node.textContent = value;
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

let idCounter = 0;
const nextId = (prefix) => `${prefix}-${++idCounter}`;

/** A labelled input: the label names it, the hint describes it (aria-describedby). */
function field(label, input, hint) {
  const id = input.id || nextId('field');
  input.id = id;
  const parts = [el('label', { for: id, text: label })];
  if (hint) {
    const hintId = `${id}-hint`;
    input.setAttribute('aria-describedby', hintId);
    parts.push(el('p', { class: 'hint', id: hintId, text: hint }));
  }
  parts.push(input);
  return el('div', { class: 'field' }, parts);
}

function table(caption, columns, rows, empty) {
  if (rows.length === 0) return el('p', { text: empty });
  return el(
    'table',
    {},
    el('caption', { class: 'hint', text: caption }),
    el('thead', {}, el('tr', {}, columns.map((column) => el('th', { scope: 'col', text: column.title })))),
    el('tbody', {}, rows.map((row) => el('tr', {}, columns.map((column) => el('td', {}, column.cell(row)))))),
  );
}

const errorBox = () => el('div', { class: 'error', role: 'alert' });
const when = (iso) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—');
const say = (message) => {
  status.textContent = message;
  setTimeout(() => {
    if (status.textContent === message) status.textContent = '';
  }, 5000);
};

/** A value shown once (a new client secret), with a copy button and the warning that it will not be shown again. */
function shownOnce(title, value) {
  const code = el('code', { class: 'secret', id: nextId('secret'), text: value });
  const copy = el('button', {
    type: 'button',
    class: 'secondary',
    'aria-describedby': code.id,
    text: 'Copy',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(value);
        say('Copied to the clipboard.');
      } catch {
        // No clipboard permission (plain HTTP, some browsers): select it for Ctrl+C instead.
        getSelection().selectAllChildren(code);
        say('Selected: press Ctrl+C to copy.');
      }
    },
  });
  return el('section', { class: 'once', 'aria-labelledby': `${code.id}-title` }, el('h2', { id: `${code.id}-title`, text: title }), el('p', {}, code, copy), el('p', { text: 'Store it now: this is the only time it is shown. Meridian keeps only its hash.' }));
}

// ---- admin API -------------------------------------------------------------------------

class AdminApiError extends Error {}

async function api(method, path, body) {
  const key = sessionStorage.getItem(KEY_STORAGE);
  const response = await fetch(`/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${key ?? ''}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    // A key that stopped working (rotated, a typo at sign-in, an expired token): back to the sign-in page.
    const tenantAdmin = isTenantAdmin();
    signOut();
    throw new AdminApiError(tenantAdmin ? 'Your sign-in has expired or was refused: sign in again.' : 'The admin key was refused: check it and sign in again.');
  }
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new AdminApiError(parsed?.error?.message ?? `HTTP ${response.status}`);
  return parsed ?? {};
}

/** Runs an action, showing the API's refusal in the form's alert box. */
async function attempt(box, action) {
  box.textContent = '';
  try {
    return await action();
  } catch (error) {
    box.textContent = error.message;
    return undefined;
  }
}

/**
 * The form of one admin action: its heading names it, its alert box shows the API's refusal,
 * and `done` gets the API's answer. `parts` are what stands between heading and button.
 */
function actionForm({ title, heading = 'h2', submit, action, done }, ...parts) {
  const id = nextId('form');
  const box = errorBox();
  return el(
    'form',
    {
      'aria-labelledby': id,
      onsubmit: async (event) => {
        event.preventDefault();
        const answer = await attempt(box, action);
        if (answer) done(answer);
      },
    },
    el(heading, { id, text: title }),
    parts,
    box,
    el('button', { type: 'submit', text: submit }),
  );
}

// ---- session ---------------------------------------------------------------------------

const isTenantAdmin = () => Boolean(sessionStorage.getItem(ROLE_STORAGE)) && sessionStorage.getItem(ROLE_STORAGE) !== 'operator';
const ownTenant = () => (isTenantAdmin() ? sessionStorage.getItem(ROLE_STORAGE) : null);

function signOut() {
  sessionStorage.removeItem(KEY_STORAGE);
  sessionStorage.removeItem(ROLE_STORAGE);
  nav.hidden = true;
}

/** The navigation of the signed-in role: a tenant administrator has one tenant and no signing keys. */
function showNav() {
  const tenant = ownTenant();
  const tenants = document.getElementById('nav-tenants');
  tenants.textContent = tenant ? 'My tenant' : 'Tenants';
  tenants.setAttribute('href', tenant ? `#/tenants/${encodeURIComponent(tenant)}` : '#/tenants');
  document.getElementById('nav-keys').hidden = Boolean(tenant);
  nav.hidden = false;
}

/**
 * A tenant administrator's sign-in: the client_credentials grant of this host's token
 * endpoint for an app holding meridian.tenant.admin. The console keeps the access token
 * (an hour), never the secret.
 */
async function tenantAdminToken(clientId, clientSecret) {
  const response = await fetch('/connect/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: TENANT_ADMIN_SCOPE }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (answer.error === 'invalid_scope') throw new AdminApiError(`This app is not a tenant administrator: the operator grants it ${TENANT_ADMIN_SCOPE}.`);
    throw new AdminApiError(answer.error_description ?? `The sign-in was refused (HTTP ${response.status}).`);
  }
  return answer.access_token;
}

// ---- pages -----------------------------------------------------------------------------

function page(title, ...content) {
  document.title = `${title} · Meridian console`;
  main.replaceChildren(el('h1', { text: title }), ...content.flat().filter((part) => part !== null && part !== undefined && part !== false));
  main.focus();
}

function signInPage() {
  signOut();
  const user = el('input', { type: 'text', name: 'username', autocomplete: 'username', value: 'operator', hidden: true });
  const key = el('input', { type: 'password', name: 'adminKey', autocomplete: 'current-password', required: true });
  const box = errorBox();
  const operatorForm = el(
    'form',
    {
      'aria-labelledby': 'sign-in-operator',
      onsubmit: async (event) => {
        event.preventDefault();
        sessionStorage.setItem(KEY_STORAGE, key.value.trim());
        sessionStorage.setItem(ROLE_STORAGE, 'operator');
        const ok = await attempt(box, () => api('GET', '/tenants'));
        if (ok) go('#/tenants');
        else signOut();
      },
    },
    el('h2', { id: 'sign-in-operator', text: 'Operator' }),
    user,
    field('Admin key', key, 'The operator key of this deployment: data/admin-key of the embedded default, or MERIDIAN_ADMIN_KEY.'),
    box,
    el('button', { type: 'submit', text: 'Sign in with the admin key' }),
  );

  const clientId = el('input', { type: 'text', name: 'clientId', autocomplete: 'username', required: true, spellcheck: 'false' });
  const secret = el('input', { type: 'password', name: 'clientSecret', autocomplete: 'current-password', required: true });
  const tenantBox = errorBox();
  const tenantForm = el(
    'form',
    {
      'aria-labelledby': 'sign-in-tenant',
      onsubmit: async (event) => {
        event.preventDefault();
        const tenant = await attempt(tenantBox, async () => {
          sessionStorage.setItem(KEY_STORAGE, await tenantAdminToken(clientId.value.trim(), secret.value));
          // The admin API lists a tenant administrator's own tenant only.
          const { value } = await api('GET', '/tenants');
          if (value.length !== 1) throw new AdminApiError('This sign-in administers no tenant.');
          return value[0];
        });
        secret.value = '';
        if (!tenant) return signOut();
        sessionStorage.setItem(ROLE_STORAGE, tenant.id);
        go(`#/tenants/${encodeURIComponent(tenant.id)}`);
      },
    },
    el('h2', { id: 'sign-in-tenant', text: 'Tenant administrator' }),
    el('p', { class: 'hint', text: `An app registration of your tenant that the operator granted ${TENANT_ADMIN_SCOPE} (npx meridian tenant-admin create). You see and manage your own tenant only.` }),
    field('Application (client) id', clientId),
    field('Client secret', secret),
    tenantBox,
    el('button', { type: 'submit', text: 'Sign in as tenant administrator' }),
  );
  page('Sign in', el('p', { text: 'Every action here is a call of the admin API the CLI uses, and is audited.' }), operatorForm, tenantForm);
}

async function tenantsPage() {
  // A tenant administrator has one tenant: its page is the start.
  if (ownTenant()) return go(`#/tenants/${encodeURIComponent(ownTenant())}`);
  const [{ value: tenants }, { value: dataCenters }] = await Promise.all([api('GET', '/tenants'), api('GET', '/data-centers')]);
  const name = el('input', { type: 'text', name: 'name', required: true, maxlength: 128 });
  const region = el('select', { name: 'region' }, dataCenters.map((dc) => el('option', { value: dc.code, text: `${dc.code} — ${dc.region}` })));
  const create = actionForm(
    {
      title: 'Create a tenant',
      submit: 'Create tenant',
      action: () => api('POST', '/tenants', { name: name.value, region: region.value }),
      done: (created) => {
        say(`Created tenant ${created.name}.`);
        location.hash = `#/tenants/${encodeURIComponent(created.id)}`;
      },
    },
    field('Name', name, 'Unique in this environment.'),
    field('Home data center', region, "The tenant's data stays in this region."),
  );
  page(
    'Tenants',
    table('Tenants of this environment', [
      { title: 'Name', cell: (t) => el('a', { href: `#/tenants/${encodeURIComponent(t.id)}`, text: t.name }) },
      { title: 'Tenant id', cell: (t) => el('code', { text: t.id }) },
      { title: 'Home region', cell: (t) => t.homeRegion },
      { title: 'Created', cell: (t) => when(t.createdAt) },
    ], tenants, 'No tenants yet.'),
    create,
  );
}

async function tenantPage(tenantId) {
  const [tenant, { value: apps }, { value: groups }] = await Promise.all([
    api('GET', `/tenants/${encodeURIComponent(tenantId)}`),
    api('GET', `/tenants/${encodeURIComponent(tenantId)}/apps`),
    api('GET', `/tenants/${encodeURIComponent(tenantId)}/customer-groups`),
  ]);
  const base = `#/tenants/${encodeURIComponent(tenant.id)}`;
  page(
    tenant.name,
    el('dl', { class: 'facts' }, el('dt', { text: 'Tenant id' }), el('dd', {}, el('code', { text: tenant.id })), el('dt', { text: 'Home region' }), el('dd', { text: tenant.homeRegion }), el('dt', { text: 'Environment' }), el('dd', { text: tenant.environment })),
    el('nav', { 'aria-label': 'Tenant' }, el('ul', { class: 'actions' }, el('li', {}, el('a', { href: `${base}/apps/new`, text: 'Register an app' })), el('li', {}, el('a', { href: `${base}/audit`, text: 'Audit records' })), el('li', {}, el('a', { href: `${base}/opus`, text: 'AvePoint Opus settings' })), el('li', {}, el('a', { href: `${base}/customer-groups`, text: 'Elements customer groups' })))),
    el('h2', { text: 'App registrations' }),
    table('App registrations of the tenant', [
      { title: 'Name', cell: (a) => el('a', { href: `#/apps/${encodeURIComponent(a.clientId)}`, text: a.name }) },
      { title: 'Application (client) id', cell: (a) => el('code', { text: a.clientId }) },
      { title: 'Permissions', cell: (a) => a.permissions.length },
      { title: 'Credentials', cell: (a) => `${a.secrets.length} secret(s), ${a.certificates.length} certificate(s)` },
    ], apps, 'No app registrations yet.'),
    el('h2', { text: 'Elements customer groups' }),
    el('p', { class: 'hint', text: 'A partner\'s named sets of customers; an app\'s customer scope can name them (npx meridian customer-group --help).' }),
    table('Customer groups of the partner', [
      { title: 'Group', cell: (g) => g.name },
      { title: 'Customers', cell: (g) => g.customerIds.length },
    ], groups, 'No customer groups.'),
  );
}

/** Customer ids as typed: one per line, or separated by commas or spaces. */
const idsOf = (text) => text.split(/[\s,]+/).filter(Boolean);

/** A partner's customer groups: create one, and add or remove customers (what `meridian customer-group` does). */
async function customerGroupsPage(tenantId) {
  const path = `/tenants/${encodeURIComponent(tenantId)}/customer-groups`;
  const [tenant, { value: groups }] = await Promise.all([api('GET', `/tenants/${encodeURIComponent(tenantId)}`), api('GET', path)]);
  const reload = () => customerGroupsPage(tenantId).catch(showFailure);

  const membersForm = (group) => {
    const ids = el('textarea', { name: 'customerIds', rows: 2, required: true, spellcheck: 'false' });
    const box = errorBox();
    const change = (action, verb) => async () => {
      const changed = await attempt(box, () => {
        if (idsOf(ids.value).length === 0) throw new Error('Give at least one customer id.');
        return api('POST', `${path}/${encodeURIComponent(group.name)}/members${action}`, { customerIds: idsOf(ids.value) });
      });
      if (changed) {
        say(`${verb} ${group.name}: ${changed.customerIds.length} customer(s).`);
        reload();
      }
    };
    const titleId = nextId('group');
    return el(
      'section',
      { 'aria-labelledby': titleId },
      el('h3', { id: titleId, text: group.name }),
      group.customerIds.length === 0 ? el('p', { text: 'No customers yet.' }) : el('ul', { class: 'ids' }, group.customerIds.map((id) => el('li', {}, el('code', { text: id })))),
      el(
        'form',
        { onsubmit: (event) => event.preventDefault() },
        field(`Customer ids for ${group.name}`, ids, 'Customer (tenant) ids of the partner, one per line or separated by commas.'),
        box,
        el('button', { type: 'button', text: 'Add customers', 'aria-label': `Add customers to ${group.name}`, onclick: change('', 'Added to') }),
        ' ',
        el('button', { type: 'button', class: 'secondary', text: 'Remove customers', 'aria-label': `Remove customers from ${group.name}`, onclick: change('/remove', 'Removed from') }),
      ),
    );
  };

  const name = el('input', { type: 'text', name: 'name', required: true, maxlength: 128 });
  const members = el('textarea', { name: 'members', rows: 2, spellcheck: 'false' });
  const create = actionForm(
    {
      title: 'Create a customer group',
      submit: 'Create group',
      action: () => api('POST', path, { name: name.value, ...(idsOf(members.value).length ? { customerIds: idsOf(members.value) } : {}) }),
      done: (created) => {
        say(`Created customer group ${created.name}.`);
        reload();
      },
    },
    field('Group name', name, 'Unique for the partner, without commas; an app\'s customer scope names it (groups:NAME).'),
    field('Customers (optional)', members, 'Customer ids, one per line or separated by commas.'),
  );
  page(
    `Elements customer groups of ${tenant.name}`,
    el('p', { class: 'hint', text: 'Named sets of the partner\'s customers. An app limited to groups:NAME reaches only their customers on the partner API.' }),
    groups.length === 0 ? el('p', { text: 'No customer groups yet.' }) : groups.map(membersForm),
    create,
  );
}

async function newAppPage(tenantId) {
  const [tenant, { value: permissions }] = await Promise.all([api('GET', `/tenants/${encodeURIComponent(tenantId)}`), api('GET', '/permissions')]);
  const name = el('input', { type: 'text', name: 'name', required: true, maxlength: 128 });
  const services = new Map();
  for (const permission of permissions) services.set(permission.service, [...(services.get(permission.service) ?? []), permission]);
  const boxes = [];
  const permissionSets = [...services].map(([service, list]) =>
    el('fieldset', {}, el('legend', { text: service }), list.map((permission) => {
      const box = el('input', { type: 'checkbox', name: 'permission', value: permission.name });
      boxes.push(box);
      return el('label', { class: 'option' }, box, el('span', {}, el('code', { text: permission.name }), ` — ${permission.usage}`));
    })),
  );
  const years = el('select', { name: 'secretYears' }, el('option', { value: '', text: 'No client secret' }), [1, 2, 3].map((y) => el('option', { value: String(y), text: `Effective ${y} year${y > 1 ? 's' : ''}`, selected: y === 1 })));
  const certificate = el('input', { type: 'file', name: 'certificate', accept: '.cer,.crt,.pem,.der' });
  const box = errorBox();
  const form = el(
    'form',
    {
      onsubmit: async (event) => {
        event.preventDefault();
        const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
        const created = await attempt(box, async () => {
          if (chosen.length === 0) throw new Error('Choose at least one permission.');
          if (!years.value && !certificate.files[0]) throw new Error('Give the app a credential: a client secret, a certificate, or both.');
          return api('POST', `/tenants/${encodeURIComponent(tenant.id)}/apps`, {
            name: name.value,
            permissions: chosen,
            ...(years.value ? { secretYears: Number(years.value) } : {}),
            ...(certificate.files[0] ? { certificate: await certificateText(certificate.files[0]) } : {}),
          });
        });
        if (created) appCreatedPage(created);
      },
    },
    field('Name', name),
    el('h2', { text: 'Permissions' }),
    el('p', { class: 'hint', text: 'The services and permissions of the docs (Register an app → Services and Permissions).' }),
    permissionSets,
    el('h2', { text: 'Credentials' }),
    field('Client secret', years, 'A client secret is shown once, when it is made.'),
    field('Certificate (optional)', certificate, 'A .cer (DER) or PEM file whose Key Usage includes Digital Signature.'),
    box,
    el('button', { type: 'submit', text: 'Register app' }),
  );
  page(`Register an app in ${tenant.name}`, form);
}

function appCreatedPage(created) {
  page(
    `Registered ${created.app.name}`,
    el('dl', { class: 'facts' }, el('dt', { text: 'Application (client) id' }), el('dd', {}, el('code', { text: created.clientId }))),
    created.clientSecret ? shownOnce('Client secret', created.clientSecret) : el('p', { text: 'The app authenticates with its certificate.' }),
    el('p', {}, el('a', { href: `#/apps/${encodeURIComponent(created.clientId)}`, text: 'Go to the app registration' })),
  );
}

/** A certificate file as the admin API takes it: PEM text as is, DER as base64. */
async function certificateText(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  if (text.includes('-----BEGIN')) return text;
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Which of the partner's customers an Elements app reaches (`meridian app create --customer-scope` sets it first). */
function customerScopeForm(path, scope, reload) {
  const input = el('input', { type: 'text', name: 'customerScope', required: true, spellcheck: 'false', value: scope.customerScope });
  return actionForm(
    {
      title: 'Elements customer scope',
      submit: 'Set customer scope',
      action: () => api('PUT', `${path}/customer-scope`, { customerScope: input.value.trim() }),
      done: (set) => {
        say(`Customer scope set to ${set.customerScope}.`);
        reload();
      },
    },
    el('p', {}, 'Reaches: ', el('code', { text: scope.customerScope })),
    field('Customer scope', input, 'all, customers:ID[,ID…] or groups:NAME[,NAME…] (the partner\'s customer groups).'),
  );
}

async function appPage(clientId, justMade) {
  const app = await api('GET', `/apps/${encodeURIComponent(clientId)}`);
  const path = `/apps/${encodeURIComponent(app.clientId)}`;
  const reload = (made) => appPage(clientId, made).catch(showFailure);
  // Only an app of the Elements partner API has a customer scope worth showing.
  const scope = app.permissions.some((permission) => permission.startsWith('elements.')) ? await api('GET', `${path}/customer-scope`) : undefined;

  const years = el('select', { name: 'years' }, [1, 2, 3].map((y) => el('option', { value: String(y), text: `${y} year${y > 1 ? 's' : ''}` })));
  const addSecret = actionForm(
    { title: 'Add a client secret', heading: 'h3', submit: 'Add secret', action: () => api('POST', `${path}/secrets`, { years: Number(years.value) }), done: (made) => reload(made) },
    el('p', { class: 'hint', text: 'Rotation: add a new secret, move your clients to it, then remove the old one. Both work meanwhile.' }),
    field('Effective for', years),
  );

  const file = el('input', { type: 'file', name: 'certificate', accept: '.cer,.crt,.pem,.der', required: true });
  const upload = actionForm(
    {
      title: 'Upload a certificate',
      heading: 'h3',
      submit: 'Upload certificate',
      action: async () => {
        if (!file.files[0]) throw new Error('Choose a certificate file.');
        return api('POST', `${path}/certificates`, { certificate: await certificateText(file.files[0]) });
      },
      done: (added) => {
        say(`Uploaded certificate ${added.thumbprintSha1}.`);
        reload();
      },
    },
    field('Certificate file', file, 'A .cer (DER) or PEM file whose Key Usage includes Digital Signature. Its thumbprint names it in the JWT assertion (x5t).'),
  );

  const removeBox = errorBox();
  const remove = (what, label, target) =>
    el('button', {
      type: 'button',
      class: 'danger',
      'aria-label': `Remove ${what} ${label}`,
      text: 'Remove',
      onclick: async () => {
        const done = await attempt(removeBox, () => api('DELETE', target));
        if (done) {
          say(`Removed ${what} ${label}.`);
          reload();
        }
      },
    });

  page(
    app.name,
    el('dl', { class: 'facts' }, el('dt', { text: 'Application (client) id' }), el('dd', {}, el('code', { text: app.clientId })), el('dt', { text: 'Tenant' }), el('dd', {}, el('a', { href: `#/tenants/${encodeURIComponent(app.tenantId)}`, text: app.tenantId })), el('dt', { text: 'Created' }), el('dd', { text: when(app.createdAt) })),
    justMade ? shownOnce('New client secret', justMade.clientSecret) : null,
    el('h2', { text: 'Permissions' }),
    el('p', {}, app.permissions.map((permission) => el('span', { class: 'tag', text: permission }))),
    removeBox,
    scope ? customerScopeForm(path, scope, () => reload()) : null,
    el('h2', { text: 'Client secrets' }),
    table('Client secrets (values are never shown again)', [
      { title: 'Secret', cell: (s) => el('code', { text: s.hint }) },
      { title: 'Id', cell: (s) => el('code', { text: s.id }) },
      { title: 'Created', cell: (s) => when(s.createdAt) },
      { title: 'Expires', cell: (s) => when(s.expiresAt) },
      { title: 'Action', cell: (s) => remove('secret', s.hint, `${path}/secrets/${encodeURIComponent(s.id)}`) },
    ], app.secrets, 'No client secrets.'),
    addSecret,
    el('h2', { text: 'Certificates' }),
    table('Certificates', [
      { title: 'Subject', cell: (c) => c.subject },
      { title: 'Thumbprint (SHA-1)', cell: (c) => el('code', { text: c.thumbprintSha1 }) },
      { title: 'Valid from', cell: (c) => when(c.notBefore) },
      { title: 'Valid to', cell: (c) => when(c.notAfter) },
      { title: 'Action', cell: (c) => remove('certificate', c.thumbprintSha1, `${path}/certificates/${encodeURIComponent(c.id)}`) },
    ], app.certificates, 'No certificates.'),
    upload,
  );
}

async function keysPage() {
  const { value: keys } = await api('GET', '/signing-keys');
  const box = errorBox();
  page(
    'Signing keys',
    el('p', { text: 'The newest key signs access tokens; a superseded key stays published in the JWKS until every token it signed has expired, so rotating never breaks a token already issued.' }),
    table('Access-token signing keys', [
      { title: 'Key id (kid)', cell: (k) => el('code', { text: k.kid }) },
      { title: 'Algorithm', cell: (k) => k.alg },
      { title: 'State', cell: (k) => k.state },
      { title: 'Created', cell: (k) => when(k.createdAt) },
      { title: 'Unpublished', cell: (k) => when(k.retiresAt) },
    ], keys, 'No keys.'),
    box,
    el('button', {
      type: 'button',
      text: 'Rotate signing key',
      onclick: async () => {
        const rotated = await attempt(box, () => api('POST', '/signing-keys/rotate'));
        if (rotated) {
          say(`New signing key ${rotated.kid}.`);
          keysPage().catch(showFailure);
        }
      },
    }),
  );
}

const localInput = (date) => new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

async function auditPage(tenantId) {
  const tenant = await api('GET', `/tenants/${encodeURIComponent(tenantId)}`);
  // The inputs hold whole minutes: "To" is the next minute, so what happened just now is in.
  const endMs = Math.ceil((Date.now() + 1) / 60_000) * 60_000;
  const start = el('input', { type: 'datetime-local', name: 'startTime', required: true, value: localInput(new Date(endMs - 7 * 86_400_000)) });
  const end = el('input', { type: 'datetime-local', name: 'endTime', required: true, value: localInput(new Date(endMs)) });
  const box = errorBox();
  const results = el('div', { 'aria-live': 'polite' });
  const show = async (skipToken) => {
    const query = new URLSearchParams({ startTime: new Date(start.value).toISOString(), endTime: new Date(end.value).toISOString() });
    if (skipToken) query.set('skipToken', skipToken);
    const answer = await attempt(box, () => api('GET', `/tenants/${encodeURIComponent(tenant.id)}/audit?${query}`));
    if (!answer) return;
    const next = answer.nextLink ? new URL(answer.nextLink).searchParams.get('skipToken') : null;
    const nextButton = next ? [el('button', { type: 'button', class: 'secondary', text: 'Next page', onclick: () => show(next) })] : [];
    results.replaceChildren(
      table(`Audit records of ${tenant.name}`, [
        { title: 'Time', cell: (r) => when(r.actionTime) },
        { title: 'Action', cell: (r) => r.actionName },
        { title: 'User', cell: (r) => r.actionUser },
        { title: 'Product', cell: (r) => r.product },
        { title: 'Object', cell: (r) => r.objectName },
        { title: 'Geo location', cell: (r) => r.geoLocation ?? '—' },
      ], answer.data, 'No audit records in this window.'),
      ...nextButton,
    );
  };
  const form = el(
    'form',
    { onsubmit: (event) => { event.preventDefault(); void show(); } },
    field('From', start, 'At most 7 days before "To" (the API\'s window).'),
    field('To', end),
    box,
    el('button', { type: 'submit', text: 'Show records' }),
  );
  page(`Audit records of ${tenant.name}`, form, results);
  await show();
}

async function opusPage(tenantId) {
  const tenant = await api('GET', `/tenants/${encodeURIComponent(tenantId)}`);
  const box = errorBox();
  const load = (setting) => attempt(box, () => api('GET', `/tenants/${encodeURIComponent(tenant.id)}/opus/${setting}`)).then((answer) => answer?.value ?? []);
  const [connections, terms, holds] = await Promise.all([load('connections'), load('terms'), load('holds')]);
  page(
    `AvePoint Opus settings of ${tenant.name}`,
    // The opus commands write through a producer token, which only the operator mints.
    el('p', { text: ownTenant() ? 'Read from your tenant\'s region. The operator changes them (npx meridian opus …).' : 'Read from the tenant\'s region. Change them with `npx meridian opus …` (see npx meridian opus --help).' }),
    box,
    el('h2', { text: 'Connections' }),
    table('Connections', [
      { title: 'Name', cell: (c) => c.name },
      { title: 'Id', cell: (c) => el('code', { text: c.id }) },
      { title: 'Custom columns', cell: (c) => c.columns.map((column) => `${column.name} (${column.type})`).join(', ') || '—' },
      { title: 'Created', cell: (c) => when(c.createdAt) },
    ], connections, 'No connections.'),
    el('h2', { text: 'Terms and retention rules' }),
    table('Terms', [
      { title: 'Term', cell: (t) => t.termFullPath },
      { title: 'Retain', cell: (t) => (t.retainDays === null ? 'inherited' : `${t.retainDays} days after ${t.after}`) },
      { title: 'Approval', cell: (t) => (t.approval ? 'required' : 'no') },
      { title: 'Event date', cell: (t) => t.eventDate ?? '—' },
    ], terms, 'No terms.'),
    el('h2', { text: 'Holds' }),
    table('Holds', [
      { title: 'Name', cell: (h) => h.name },
      { title: 'On', cell: (h) => h.termPath ?? h.connectionId ?? `${h.rowKeys.length} record(s)` },
      { title: 'Placed', cell: (h) => `${when(h.createdAt)} by ${h.createdBy}` },
      { title: 'Removed', cell: (h) => (h.removedAt ? when(h.removedAt) : '—') },
    ], holds, 'No holds.'),
  );
}

// ---- routing ---------------------------------------------------------------------------

/** Shows the page of `hash`, also when it is already the address (a sign-in after a refusal). */
function go(hash) {
  if (location.hash === hash) void route();
  else location.hash = hash;
}

function showFailure(error) {
  if (!sessionStorage.getItem(KEY_STORAGE)) return signInPage();
  const home = ownTenant() ? `#/tenants/${encodeURIComponent(ownTenant())}` : '#/tenants';
  page('Something went wrong', el('div', { class: 'error', role: 'alert', text: error.message }), el('p', {}, el('a', { href: home, text: ownTenant() ? 'Back to my tenant' : 'Back to the tenants' })));
}

const ROUTES = [
  [/^#\/tenants\/([^/]+)\/apps\/new$/, (id) => newAppPage(decodeURIComponent(id))],
  [/^#\/tenants\/([^/]+)\/audit$/, (id) => auditPage(decodeURIComponent(id))],
  [/^#\/tenants\/([^/]+)\/opus$/, (id) => opusPage(decodeURIComponent(id))],
  [/^#\/tenants\/([^/]+)\/customer-groups$/, (id) => customerGroupsPage(decodeURIComponent(id))],
  [/^#\/tenants\/([^/]+)$/, (id) => tenantPage(decodeURIComponent(id))],
  [/^#\/tenants$/, () => tenantsPage()],
  [/^#\/apps\/([^/]+)$/, (id) => appPage(decodeURIComponent(id))],
  [/^#\/keys$/, () => keysPage()],
];

async function route() {
  if (!sessionStorage.getItem(KEY_STORAGE) || location.hash === '#/sign-in') return signInPage();
  showNav();
  const hash = location.hash || '#/tenants';
  for (const [pattern, render] of ROUTES) {
    const match = pattern.exec(hash);
    if (match) {
      main.setAttribute('aria-busy', 'true');
      try {
        await render(...match.slice(1));
      } catch (error) {
        showFailure(error);
      } finally {
        main.removeAttribute('aria-busy');
      }
      return;
    }
  }
  location.hash = '#/tenants';
}

document.getElementById('sign-out').addEventListener('click', () => {
  signOut();
  location.hash = '#/sign-in';
});
window.addEventListener('hashchange', () => void route());
void route();
