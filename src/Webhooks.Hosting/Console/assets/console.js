// The operator console: a small page over the admin API. No framework, no build step, nothing fetched but this
// host's own files and API. Everything shown from a delivery (headers, bodies, target answers) is untrusted text,
// so the DOM is built with textContent only, never innerHTML.
'use strict';

(() => {
  const KEY_STORAGE = 'webhooks.console.apiKey';
  const PAGE_SIZE = 25;
  const BODY_PREVIEW_CHARS = 64 * 1024;
  const REASONS = ['targetRejected', 'retriesExhausted', 'malformedMessage', 'targetNotConfigured', 'hostPoisoned', 'payloadMissing'];
  const FILTER_KEYS = ['source', 'destination', 'reason', 'status', 'errorCode', 'from', 'to'];

  // The page lives at <root>/api/console/ on both hosts; the admin API at <root>/api/manage/.
  const apiBase = new URL('../manage/', location.href);

  const $ = (id) => document.getElementById(id);
  const view = $('view');

  // ---------- DOM helpers ----------

  /** Creates an element; attrs are attributes (on* as listeners), children strings or nodes (null skipped). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
      else el.setAttribute(name, value === true ? '' : String(value));
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function svg(tag, attrs, ...children) {
    const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [name, value] of Object.entries(attrs || {})) el.setAttribute(name, String(value));
    for (const child of children) el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return el;
  }

  function table(caption, headers, rows, label) {
    return h('div', { class: 'scroll', role: 'region', 'aria-label': label || caption, tabindex: 0 },
      h('table', null,
        h('caption', null, caption),
        h('thead', null, h('tr', null, headers.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : (c.narrow ? 'hide-narrow' : null) }, c.title || c)))),
        h('tbody', null, rows.length ? rows : h('tr', null, h('td', { colspan: headers.length, class: 'muted' }, 'None.')))));
  }

  function facts(pairs) {
    return h('dl', { class: 'facts' }, pairs.filter((p) => p[1] !== null && p[1] !== undefined && p[1] !== '')
      .map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
  }

  function time(value) {
    if (!value) return '—';
    const d = new Date(value);
    return h('time', { datetime: d.toISOString(), title: d.toISOString() }, d.toLocaleString());
  }

  function age(seconds) {
    if (seconds === null || seconds === undefined) return '—';
    if (seconds < 90) return `${Math.round(seconds)} s`;
    if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
    if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
    return `${(seconds / 86400).toFixed(1)} d`;
  }

  function say(message) {
    const status = $('status');
    status.textContent = message;
    clearTimeout(say.timer);
    say.timer = setTimeout(() => { status.textContent = ''; }, 8000);
  }

  function render(title, ...content) {
    view.replaceChildren(h('h1', { id: 'page-title', tabindex: -1 }, title));
    append(view, content);
    document.title = `${title} · Webhooks console`;
    $('page-title').focus();
  }

  /** Runs a button's action; a failure is announced instead of lost. */
  function guard(action) {
    return (event) => Promise.resolve(action(event)).catch((error) => {
      if (!key() || error.name === 'AbortError') return;
      say(error instanceof ApiError ? `${error.status}: ${error.message}` : error.message);
    });
  }

  // ---------- API ----------

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.message || problem.title)) || `HTTP ${status}`);
      this.status = status;
      this.problem = problem;
    }
  }

  function key() { return sessionStorage.getItem(KEY_STORAGE); }

  // Each navigation cancels the previous page's reads, so a slow page never paints over the one asked for next.
  let pageReads = new AbortController();

  /** Calls the admin API with the key as a header; never in the URL, never a cookie (so no CSRF to defend against). */
  async function api(method, path, { query, body, apiKey } = {}) {
    const url = new URL(path, apiBase);
    for (const [name, value] of Object.entries(query || {})) {
      if (value !== null && value !== undefined && value !== '') url.searchParams.set(name, value);
    }
    const headers = { 'x-api-key': apiKey || key() || '', accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store', redirect: 'error',
      signal: method === 'GET' ? pageReads.signal : undefined,
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = new ApiError(response.status, data);
      if ((response.status === 401 || response.status === 403) && !apiKey) signOut(error.message);
      throw error;
    }
    return data;
  }

  /** The body of a dead letter's delivery as bytes (first `prefix` bytes when given): {bytes, total}. */
  async function fetchBody(id, prefix) {
    const headers = { 'x-api-key': key() || '' };
    if (prefix) headers.range = `bytes=0-${prefix - 1}`;
    const response = await fetch(new URL(`deadletters/${encodeURIComponent(id)}/body`, apiBase), { headers, credentials: 'omit', cache: 'no-store', redirect: 'error' });
    if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
    const range = response.headers.get('content-range');
    const bytes = new Uint8Array(await response.arrayBuffer());
    return { bytes, total: range ? Number(range.split('/')[1]) : bytes.length };
  }

  function saveFile(data, fileName) {
    const url = URL.createObjectURL(new Blob([data], { type: 'application/octet-stream' }));
    const link = h('a', { href: url, download: fileName });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  // ---------- sign-in ----------

  function showSignIn(message) {
    $('nav').hidden = true;
    view.hidden = true;
    view.replaceChildren();
    $('sign-in').hidden = false;
    $('sign-in-error').textContent = message || '';
    document.title = 'Sign in · Webhooks console';
    $('api-key').focus();
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY_STORAGE);
    showSignIn(message);
  }

  async function signIn(event) {
    event.preventDefault();
    const input = $('api-key');
    const candidate = input.value.trim();
    $('sign-in-error').textContent = '';
    if (!candidate) {
      $('sign-in-error').textContent = 'Enter an admin API key.';
      return;
    }
    try {
      await api('GET', 'queues', { apiKey: candidate });
    } catch (error) {
      // 401 and 403 exactly as the API answers them: its own message, with the status.
      $('sign-in-error').textContent = error instanceof ApiError ? `${error.status}: ${error.message}` : `The admin API cannot be reached: ${error.message}`;
      input.select();
      return;
    }
    sessionStorage.setItem(KEY_STORAGE, candidate);
    input.value = '';
    $('sign-in').hidden = true;
    $('nav').hidden = false;
    view.hidden = false;
    if (!location.hash || location.hash === '#') location.hash = '#/overview';
    else route();
  }

  // ---------- routing ----------

  function parseHash() {
    const [path, search] = location.hash.replace(/^#\/?/, '').split('?');
    return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(search || '') };
  }

  async function route() {
    if (!key()) { showSignIn(); return; }
    pageReads.abort();
    pageReads = new AbortController();
    const { parts, params } = parseHash();
    const page = parts[0] || 'overview';
    for (const link of document.querySelectorAll('#nav a')) {
      if (link.dataset.route === page) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
    }
    view.setAttribute('aria-busy', 'true');
    try {
      if (page === 'overview') await overview();
      else if (page === 'deadletters' && parts[1]) await deadLetter(parts[1]);
      else if (page === 'deadletters') await deadLetters(params);
      else if (page === 'sources') await sources();
      else render('Not found', h('p', null, 'No such page. ', h('a', { href: '#/overview' }, 'Go to the overview.')));
    } catch (error) {
      if (!key() || error.name === 'AbortError') return; // signed out by a 401/403, or left for another page
      render('Something went wrong', h('p', { class: 'error', role: 'alert' }, error instanceof ApiError ? `${error.status}: ${error.message}` : error.message));
    } finally {
      view.removeAttribute('aria-busy');
    }
  }

  // ---------- overview ----------

  async function overview() {
    const [queues, activity, targets] = await Promise.all([api('GET', 'queues'), api('GET', 'activity'), api('GET', 'targets')]);
    const depth = (role) => queues.filter((q) => q.role === role).reduce((n, q) => n + q.approximateCount, 0);
    render('Overview',
      h('div', { class: 'cards' },
        card('Waiting for delivery', depth('deliveries')),
        card('Dead letters', depth('deadLetter'), '#/deadletters'),
        card('Poisoned', depth('poison'), '#/deadletters?poisoned=true'),
        card('Paused targets', targets.paused.length)),
      h('h2', null, 'Queues'),
      table('Every queue: approximate depth and the age of its oldest visible message',
        ['Role', { title: 'Queue', narrow: true }, { title: 'Depth', num: true }, { title: 'Oldest', num: true }],
        queues.map((q) => h('tr', null,
          h('td', null, q.role), h('td', { class: 'mono hide-narrow' }, q.name),
          h('td', { class: 'num' }, q.exists ? q.approximateCount : 'not created'), h('td', { class: 'num' }, age(q.oldestAgeSeconds)))), 'Queues'),
      h('h2', null, 'Last hour'),
      activityChart(activity),
      h('h2', null, 'Paused targets'),
      h('p', { class: 'muted' }, 'Targets this instance paused after an account-level answer (401, 402, 403, 451). Deliveries wait until it resumes or a probe succeeds.'),
      table('Paused targets of this instance', ['Source', 'Destination', 'Why', 'Since', { title: 'Held', num: true }, 'Next probe', 'Action'],
        targets.paused.map((t) => h('tr', null,
          h('td', null, t.source), h('td', null, t.destination), h('td', null, t.reason), h('td', null, time(t.pausedAt)), h('td', { class: 'num' }, t.held),
          h('td', null, time(t.nextProbeAt)),
          h('td', null, h('button', { type: 'button', onclick: guard(() => resume(t.source, t.destination)) }, `Resume ${targetName(t.source, t.destination)}`)))), 'Paused targets'));
  }

  function card(label, value, href) {
    const content = [h('span', { class: 'value' }, value), h('span', { class: 'label' }, label)];
    return h('div', { class: 'card' }, href ? h('a', { href }, content) : content);
  }

  function activityChart(activity) {
    const minutes = activity.minutes || [];
    const width = 600, height = 120;
    const max = Math.max(1, ...minutes.map((m) => m.delivered + m.retried + m.deadLettered));
    const barWidth = width / Math.max(1, minutes.length);
    const bars = [];
    minutes.forEach((m, i) => {
      let y = height;
      for (const [count, cls] of [[m.delivered, 'delivered'], [m.retried, 'retried'], [m.deadLettered, 'dead']]) {
        if (!count) continue;
        const barHeight = (count / max) * (height - 4);
        y -= barHeight;
        bars.push(svg('rect', { x: (i * barWidth + 1).toFixed(1), y: y.toFixed(1), width: Math.max(1, barWidth - 2).toFixed(1), height: barHeight.toFixed(1), class: cls }));
      }
    });
    const summary = `${activity.delivered} delivered, ${activity.retried} retried, ${activity.deadLettered} dead-lettered in the last hour on this instance`;
    return h('figure', { class: 'chart' },
      svg('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': `Deliveries per minute: ${summary}` }, ...bars),
      h('figcaption', null,
        h('ul', { class: 'legend' },
          h('li', null, h('span', { class: 'swatch delivered', 'aria-hidden': 'true' }), `Delivered: ${activity.delivered}`),
          h('li', null, h('span', { class: 'swatch retried', 'aria-hidden': 'true' }), `Retried: ${activity.retried}`),
          h('li', null, h('span', { class: 'swatch dead', 'aria-hidden': 'true' }), `Dead-lettered: ${activity.deadLettered}`)),
        h('p', { class: 'muted' }, 'One bar per minute, oldest on the left. Counted in memory by the instance that answered this page, since it started.')));
  }

  /** "source" for a source's default destination, "source → destination" for a named one. */
  function targetName(source, destination) {
    return !destination || destination === 'default' ? source : `${source} → ${destination}`;
  }

  async function resume(source, destination) {
    const route = !destination || destination === 'default'
      ? `targets/${encodeURIComponent(source)}/resume`
      : `targets/${encodeURIComponent(source)}/${encodeURIComponent(destination)}/resume`;
    const result = await api('POST', route);
    await overview();
    const name = targetName(source, destination);
    say(result.resumed ? `Resumed the target of ${name}.` : `The target of ${name} was not paused.`);
  }

  // ---------- dead letters ----------

  function filterFrom(params) {
    const filter = {};
    for (const name of FILTER_KEYS) if (params.get(name)) filter[name] = params.get(name);
    if (params.get('poisoned') === 'true') filter.poisoned = 'true';
    return filter;
  }

  function isoOrEmpty(local) { return local ? new Date(local).toISOString() : ''; }

  function localInput(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  }

  function hashFor(filter, cursor) {
    const params = new URLSearchParams(filter);
    if (cursor && cursor.continue) params.set('continue', cursor.continue);
    else if (cursor && cursor.skip) params.set('skip', cursor.skip);
    const search = params.toString();
    return `#/deadletters${search ? `?${search}` : ''}`;
  }

  /**
   * One page of dead letters, paged from the index by the API's continuation token (`continuation` in the answer,
   * `continue` in the next request); `skip` stays for links made before the index.
   */
  async function fetchPage(filter, params) {
    const cursor = params.get('continue') ? { continue: params.get('continue') } : { skip: Number(params.get('skip')) || 0 };
    const query = { ...filter, take: PAGE_SIZE };
    if (cursor.continue) { query.continue = cursor.continue; query.limit = PAGE_SIZE; } else if (cursor.skip) query.skip = cursor.skip;
    const page = await api('GET', 'deadletters', { query });
    const token = page.continuation || page.continuationToken;
    const next = token && page.hasMore !== false ? { continue: token }
      : (page.total !== undefined && page.total !== null && (page.skip || 0) + page.items.length < page.total ? { skip: (page.skip || 0) + page.items.length } : null);
    const previous = !cursor.continue && cursor.skip > 0 ? { skip: Math.max(0, cursor.skip - PAGE_SIZE) } : null;
    return { page, next, previous, first: cursor.continue ? {} : null };
  }

  async function deadLetters(params) {
    const filter = filterFrom(params);
    const [{ page, next, previous, first }, sourceList] = await Promise.all([fetchPage(filter, params), api('GET', 'sources')]);
    const form = filterForm(filter, sourceList.sources.map((s) => s.name), destinationNames(sourceList.sources));
    const start = (page.skip || 0) + 1;
    const rows = page.items.map((e) => h('tr', null,
      h('td', null, h('a', { href: `#/deadletters/${encodeURIComponent(e.id)}` }, time(e.deadLetteredAt))),
      h('td', null, e.source || '—'),
      h('td', null, e.destination || '—'),
      h('td', null, e.reason),
      h('td', { class: 'num' }, e.status ?? '—'),
      h('td', null, e.errorCode ? h('code', null, e.errorCode) : '—'),
      h('td', { class: 'hide-narrow' }, e.errorSummary || ''),
      h('td', { class: 'num hide-narrow' }, e.attempts)));
    render('Dead letters',
      form,
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: guard(() => bulkReplay(filter)) }, 'Replay all matching…'),
        h('button', { type: 'button', class: 'danger', onclick: guard(() => bulkPurge(filter)) }, 'Purge all matching…')),
      table(!page.items.length ? 'No dead letters match'
        : (page.total ? `Dead letters ${start}–${start + page.items.length - 1} of ${page.total}, newest first`
          : `Dead letters, newest first${page.hasMore ? ' (older ones on the next page)' : ''}`),
        ['Dead-lettered', 'Source', 'Destination', 'Reason', { title: 'Status', num: true }, 'Error code', { title: 'Downstream said', narrow: true }, { title: 'Attempts', num: true }],
        rows, 'Dead letters'),
      h('nav', { class: 'pager', 'aria-label': 'Pages' },
        previous ? h('a', { href: hashFor(filter, previous), rel: 'prev' }, '← Newer') : null,
        first ? h('a', { href: hashFor(filter, null) }, 'First page') : null,
        next ? h('a', { href: hashFor(filter, next), rel: 'next' }, 'Older →') : null));
  }

  /** Every destination name configured on any source (a source without destinations has `default`), sorted. */
  function destinationNames(list) {
    const names = new Set();
    for (const s of list) for (const d of (s.destinations || [])) names.add(d.name);
    return [...names].sort();
  }

  function filterForm(filter, sourceNames, destinationNameList) {
    const select = (id, label, options, value) => h('div', null,
      h('label', { for: id }, label),
      h('select', { id, name: id }, h('option', { value: '' }, 'Any'), options.map((o) => h('option', { value: o, selected: o === value }, o))));
    const input = (id, label, type, value, extra) => h('div', null,
      h('label', { for: id }, label), h('input', { id, name: id, type, value: value || '', ...extra }));
    const form = h('form', { class: 'filters', 'aria-label': 'Filter dead letters', onsubmit: (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const next = {};
      for (const name of FILTER_KEYS) {
        let value = String(data.get(`f-${name}`) || '').trim();
        if (name === 'from' || name === 'to') value = isoOrEmpty(value);
        if (value) next[name] = value;
      }
      if (filter.poisoned) next.poisoned = 'true';
      location.hash = hashFor(next, null);
    } },
      select('f-source', 'Source', sourceNames, filter.source),
      select('f-destination', 'Destination', filter.destination && !destinationNameList.includes(filter.destination)
        ? [...destinationNameList, filter.destination] : destinationNameList, filter.destination),
      select('f-reason', 'Reason', REASONS, filter.reason),
      input('f-status', 'Last status', 'number', filter.status, { min: 100, max: 599, inputmode: 'numeric' }),
      input('f-errorCode', 'Error code', 'text', filter.errorCode, { spellcheck: 'false' }),
      input('f-from', 'From', 'datetime-local', localInput(filter.from)),
      input('f-to', 'To', 'datetime-local', localInput(filter.to)),
      h('div', { class: 'actions' },
        h('button', { type: 'submit' }, 'Filter'),
        h('button', { type: 'button', class: 'secondary', onclick: () => { location.hash = '#/deadletters'; } }, 'Clear')));
    return form;
  }

  function describe(filter) {
    const parts = Object.entries(filter).map(([k, v]) => `${k} = ${v}`);
    return parts.length ? `matching ${parts.join(', ')}` : 'in the queue (no filter)';
  }

  function selection(filter) {
    const body = { all: true };
    for (const [name, value] of Object.entries(filter)) body[name] = name === 'status' ? Number(value) : (name === 'poisoned' ? value === 'true' : value);
    return body;
  }

  async function bulkReplay(filter) {
    const dry = await api('POST', 'deadletters/replay', { body: { ...selection(filter), dryRun: true } });
    if (!dry.matched) { say('Nothing matches: nothing to replay.'); return; }
    // Re-targeting needs one source (its destinations are its own), so the choice is offered only when the filter names one.
    const choice = filter.source ? await destinationChoice({ source: filter.source, destination: filter.destination }) : null;
    if (!await confirmAction('Replay dead letters', `${dry.matched} dead letter(s) ${describe(filter)} will be put back on the deliveries queue.`, `Replay ${dry.matched}`, false, choice)) return;
    const toDestination = choice ? choice.querySelector('select').value : '';
    const request = () => (toDestination ? { ...selection(filter), toDestination } : selection(filter));
    // The API works at most 180 s per call and answers complete: false with a continuation: go on until done.
    let replayed = 0, failed = 0, body = request(), result;
    do {
      result = await api('POST', 'deadletters/replay', { body });
      replayed += result.replayed; failed += result.failed;
      body = { ...request(), continue: result.continuation };
    } while (result.complete === false && result.continuation);
    await route(); // refreshed before it is announced, so what follows the notice is the new page
    say(`Replayed ${replayed} of ${dry.matched}${toDestination ? ` to ${toDestination}` : ''}${failed ? `; ${failed} failed` : ''}.`);
  }

  async function bulkPurge(filter) {
    // A replay dry run counts exactly what the same selection matches (a filtered page has no total).
    const count = await api('POST', 'deadletters/replay', { body: { ...selection(filter), dryRun: true } });
    if (!count.matched) { say('Nothing matches: nothing to purge.'); return; }
    if (!await confirmAction('Purge dead letters', `${count.matched} dead letter(s) ${describe(filter)} will be deleted for good.`, `Purge ${count.matched}`, true)) return;
    // all=true: "everything matching these filters", as in a replay body (the API insists on it for acting on more than named ids).
    let deleted = 0, query = { ...filter, all: 'true', confirm: 'true' }, result;
    do {
      result = await api('DELETE', 'deadletters', { query });
      deleted += result.deleted;
      query = { ...filter, all: 'true', confirm: 'true', continue: result.continuation };
    } while (result.complete === false && result.continuation);
    await route();
    say(`Purged ${deleted} of ${count.matched}.`);
  }

  /** The confirmation step: a modal dialog (Escape or Cancel declines); `extra` is shown under the text (a choice to make). */
  function confirmAction(title, text, okLabel, destructive = false, extra = null) {
    const dialog = $('confirm');
    $('confirm-title').textContent = title;
    $('confirm-text').textContent = text;
    $('confirm-extra').replaceChildren(...(extra ? [extra] : []));
    $('confirm-ok').textContent = okLabel;
    $('confirm-ok').className = destructive ? 'danger' : '';
    dialog.returnValue = '';
    const opener = document.activeElement;
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => {
        if (opener && opener.isConnected) opener.focus();
        resolve(dialog.returnValue === 'ok');
      }, { once: true });
      dialog.showModal();
    });
  }

  // ---------- one dead letter ----------

  async function deadLetter(id) {
    const entry = await api('GET', `deadletters/${encodeURIComponent(id)}`);
    const record = entry.record || {};
    const envelope = record.envelope || null;
    const error = record.error || null;
    render(`Dead letter ${entry.id}`,
      h('p', null, h('a', { href: '#/deadletters' }, '← All dead letters')),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: guard(() => replayOne(entry)), disabled: !envelope }, 'Replay…'),
        h('button', { type: 'button', class: 'danger', onclick: guard(() => purgeOne(entry)) }, 'Purge…')),
      facts([
        ['Source', entry.source || '—'],
        ['Destination', entry.destination || '—'],
        ['Reason', entry.reason],
        ['Why', record.detail],
        ['Last status', entry.status ?? '—'],
        ['Dead-lettered', time(entry.deadLetteredAt)],
        ['Received', entry.receivedAt ? time(entry.receivedAt) : null],
        ['Attempts', entry.attempts],
        ['Replayed before', entry.replayCount || null],
        ['Queue', h('code', null, entry.queue)],
      ]),
      h('h2', null, 'What the downstream said'),
      error ? downstreamError(error) : h('p', { class: 'muted' }, 'No parsed error: the target gave no answer, or none was needed to decide.'),
      record.response ? [
        h('h3', null, `Its response (${record.response.status})`),
        headerTable('Response headers', record.response.headers),
        record.response.body ? bodyView(record.response.body, record.response.bodyTruncated, `response-${entry.id}.txt`, 'Response body') : null,
      ] : null,
      h('h2', null, 'Attempts'),
      table('Every recorded attempt, oldest first', ['#', 'At', 'Outcome', { title: 'Status', num: true }, 'Detail', { title: 'ms', num: true }],
        ((envelope && envelope.attempts) || []).map((a) => h('tr', null,
          h('td', null, a.number), h('td', null, time(a.at)), h('td', null, a.outcome),
          h('td', { class: 'num' }, a.status ?? '—'), h('td', null, a.detail || ''), h('td', { class: 'num' }, a.durationMs))), 'Attempts'),
      h('h2', null, 'The delivery'),
      envelope ? [
        facts([['Delivery id', h('code', null, envelope.id)], ['Content-Type', envelope.contentType]]),
        headerTable('Request headers kept with the delivery', envelope.headers),
        h('h3', null, 'Body'),
        entry.bodyText !== undefined && entry.bodyText !== null
          ? bodyView(entry.bodyText, false, `${entry.id}.json`, 'Delivery body')
          : (envelope.bodyRef ? storedBodyView(entry.id, envelope.bodyRef) : h('p', { class: 'muted' }, 'The body is not valid UTF-8 text and is not shown.')),
      ] : h('pre', null, record.rawMessage || 'The message could not be read.'));
  }

  function downstreamError(error) {
    const fieldErrors = Object.entries(error.errors || {});
    return h('div', { class: 'downstream' },
      facts([
        ['Message', error.message],
        ['Error code', error.errorCode ? h('code', null, error.errorCode) : null],
        ['Entity', error.entity],
        ['Dialect', error.dialect],
      ]),
      fieldErrors.length ? [
        h('h3', null, 'Field errors'),
        h('ul', { class: 'field-errors' }, fieldErrors.map(([field, messages]) =>
          h('li', null, h('code', null, field), ': ', (messages || []).join(' ')))),
      ] : null);
  }

  function headerTable(caption, headers) {
    const rows = Object.entries(headers || {}).sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => h('tr', null, h('td', { class: 'mono' }, name), h('td', { class: 'mono' }, value)));
    return table(caption, ['Header', 'Value'], rows, caption);
  }

  /** Pretty JSON when it parses; large bodies cut for the page, with the whole of it as a download. */
  function bodyView(text, alreadyTruncated, fileName, label) {
    let shown = text;
    try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON: shown as it is */ }
    const cut = shown.length > BODY_PREVIEW_CHARS;
    return h('div', { class: 'body' },
      h('pre', { tabindex: 0, 'aria-label': label }, cut ? shown.slice(0, BODY_PREVIEW_CHARS) : shown),
      cut ? h('p', { class: 'muted' }, `Showing the first ${BODY_PREVIEW_CHARS.toLocaleString('en')} of ${shown.length.toLocaleString('en')} characters.`) : null,
      alreadyTruncated ? h('p', { class: 'muted' }, 'The target\'s answer was cut when it was recorded.') : null,
      h('button', { type: 'button', class: 'secondary', onclick: () => saveFile(text, fileName) }, cut ? 'Download the whole body' : 'Download'));
  }

  /** A claim-check body (too large for a queue message): a preview of its first bytes, and the whole as a download. */
  function storedBodyView(id, bodyRef) {
    const container = h('div', { class: 'body' }, h('p', { class: 'muted' }, `Loading the first ${BODY_PREVIEW_CHARS.toLocaleString('en')} bytes of ${bodyRef.length.toLocaleString('en')}…`));
    fetchBody(id, BODY_PREVIEW_CHARS).then(({ bytes, total }) => {
      const text = new TextDecoder('utf-8').decode(bytes);
      container.replaceChildren(
        h('pre', { tabindex: 0, 'aria-label': 'Delivery body' }, text),
        h('p', { class: 'muted' }, bytes.length < total
          ? `Showing the first ${bytes.length.toLocaleString('en')} of ${total.toLocaleString('en')} bytes (stored as a blob; replay sends it from there).`
          : `The whole body, ${total.toLocaleString('en')} bytes (stored as a blob).`),
        h('button', { type: 'button', class: 'secondary', onclick: guard(async () => saveFile((await fetchBody(id)).bytes, `${id}.json`)) }, 'Download the whole body'));
    }, (error) => {
      container.replaceChildren(h('p', { class: 'error' }, error instanceof ApiError ? `${error.status}: ${error.message}` : error.message));
    });
    return container;
  }

  /** The optional "send to" choice of a replay: its own destination, or another of the same source. */
  async function destinationChoice(entry) {
    if (!entry.source) return null;
    const { sources: list } = await api('GET', 'sources');
    const source = list.find((s) => s.name.toLowerCase() === entry.source.toLowerCase());
    const others = ((source && source.destinations) || []).map((d) => d.name)
      .filter((name) => !entry.destination || name.toLowerCase() !== entry.destination.toLowerCase());
    if (!others.length) return null;
    const own = entry.destination ? `Its own destination (${entry.destination})` : 'Every destination its filters select';
    return h('div', null,
      h('label', { for: 'replay-destination' }, 'Send to'),
      h('select', { id: 'replay-destination', name: 'replay-destination' },
        h('option', { value: '' }, own), others.map((name) => h('option', { value: name }, name))));
  }

  async function replayOne(entry) {
    const dry = await api('POST', 'deadletters/replay', { body: { ids: [entry.id], dryRun: true } });
    if (!dry.matched) { say('It is no longer in the dead-letter queue.'); return; }
    const choice = await destinationChoice(entry);
    if (!await confirmAction('Replay this delivery', `${dry.matched} entry will be put back on the deliveries queue for ${entry.source || 'its source'} and removed from the dead letters.`, 'Replay', false, choice)) return;
    const toDestination = choice ? choice.querySelector('select').value : '';
    const result = await api('POST', 'deadletters/replay', { body: toDestination ? { ids: [entry.id], toDestination } : { ids: [entry.id] } });
    say(result.replayed ? `Replayed ${entry.id}${toDestination ? ` to ${toDestination}` : ''}.` : `Not replayed: ${(result.items[0] && result.items[0].detail) || 'see the log'}.`);
    if (result.replayed) location.hash = '#/deadletters';
  }

  async function purgeOne(entry) {
    // The dry run of a purge by id: is it still there?
    const still = await api('GET', `deadletters/${encodeURIComponent(entry.id)}`).then(() => 1, (error) => {
      if (error instanceof ApiError && error.status === 404) return 0;
      throw error;
    });
    if (!still) { say('It is no longer in the dead-letter queue.'); return; }
    if (!await confirmAction('Purge this delivery', `${still} entry will be deleted for good. It cannot be replayed afterwards.`, 'Purge', true)) return;
    const result = await api('DELETE', 'deadletters', { query: { id: entry.id, confirm: 'true' } });
    say(`Purged ${result.deleted} of ${result.matched}.`);
    location.hash = '#/deadletters';
  }

  // ---------- sources ----------

  /** A source configured the old way: its one destination is `default`, shown as "Target" as before fan-out. */
  function isSingleTarget(source) {
    const list = source.destinations || [];
    return list.length === 0 || (list.length === 1 && list[0].name === 'default');
  }

  async function sources() {
    const { sources: list } = await api('GET', 'sources');
    render('Sources',
      h('p', { class: 'muted' }, 'Give each provider its intake URL. Secrets are never shown here; only how many are accepted.'),
      list.map((s) => h('section', { class: 'source', 'aria-labelledby': `source-${s.name}` },
        h('h2', { id: `source-${s.name}` }, s.name, ' ', statePill(s.state)),
        facts([
          ['Intake URL', h('span', null, h('code', { class: 'intake-url' }, s.intakeUrl), ' ', copyButton(s.intakeUrl, s.name))],
          ['Verification', s.verification],
          ['Secrets accepted', `${s.secretCount}${s.secretCount > 1 ? ' (a rotation is in progress)' : ''}`],
          ...(isSingleTarget(s) ? [
            ['Target', s.target.url ? h('code', null, s.target.url) : 'not configured'],
            ['Target auth', s.target.authType],
            ['Target paused', s.target.paused ? h('span', { class: 'pill bad' }, 'paused') : 'no'],
          ] : [
            ['Destinations', h('ul', { class: 'destinations' }, s.destinations.map((d) => h('li', null, h('strong', null, d.name), ': ',
              d.url ? h('code', null, d.url) : 'no URL', ` (takes ${d.filter})`, d.paused ? [' ', h('span', { class: 'pill bad' }, 'paused')] : null)))],
          ]),
          ['Rate limit', s.rateLimit ? `${s.rateLimit.permitsPerSecond}/s, burst ${s.rateLimit.burst} (per instance)` : 'unlimited'],
          ['Body limit', `${s.maxBodyBytes.toLocaleString()} bytes`],
          ['Handshakes', s.handshakes.length
            ? h('ul', null, s.handshakes.map((hs) => h('li', null, `${hs.name}: `, hs.lastAnsweredAt ? ['answered ', time(hs.lastAnsweredAt)] : 'not answered by this instance since it started')))
            : 'none'],
        ]))),
      h('h2', null, 'Rotating a secret'),
      h('ol', null,
        h('li', null, 'Make a new secret: ', h('code', null, 'webhooks sources new-secret <source>'), '.'),
        h('li', null, 'Add it next to the old one (', h('code', null, 'Webhooks:Sources:<source>:Secrets:1'), ', e.g. in Key Vault); both are accepted, and this page shows 2 secrets.'),
        h('li', null, 'Switch the provider to the new secret.'),
        h('li', null, 'Once its deliveries verify with the new one, remove the old secret.')));
  }

  function statePill(state) {
    const cls = state === 'active' ? 'ok' : (state === 'locked' ? 'warn' : 'bad');
    return h('span', { class: `pill ${cls}` }, state);
  }

  function copyButton(text, name) {
    return h('button', { type: 'button', class: 'secondary', 'aria-label': `Copy the intake URL of ${name}`, onclick: async () => {
      try { await navigator.clipboard.writeText(text); say('Copied.'); } catch { say('Copying is not allowed here; select the URL instead.'); }
    } }, 'Copy');
  }

  // ---------- start ----------

  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => signOut('Signed out.'));
  window.addEventListener('hashchange', route);
  if (key()) {
    $('sign-in').hidden = true;
    $('nav').hidden = false;
    view.hidden = false;
    route();
  } else {
    showSignIn();
  }
})();
