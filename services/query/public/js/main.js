// Wires the dashboard: key prompt, live stream, campaign table, drill-down.

import { ApiError, forgetKey, storedKey, storeKey } from './api.js';
import { loadCampaigns } from './campaigns.js';
import { closeDetail, loadDetail } from './detail.js';
import { clearStats, startLive } from './live.js';

const REFRESH_MS = 10_000;
const $ = (id) => document.getElementById(id);

const state = { live: undefined, timer: undefined, selectedId: undefined, refreshing: undefined };

function setStatus(text) {
  $('connection-status').textContent = text;
}

function showKeyPrompt(message = '') {
  stop();
  // Nothing of the previous key's tenant stays in the page.
  state.selectedId = undefined;
  closeDetail();
  clearStats();
  $('campaigns-body').replaceChildren();
  $('campaigns-status').textContent = '';
  $('dashboard').hidden = true;
  $('forget-key').hidden = true;
  $('key-panel').hidden = false;
  $('key-error').textContent = message;
  setStatus('Not connected');
  $('api-key').focus();
}

function signOut(message) {
  forgetKey();
  showKeyPrompt(message);
}

function stop() {
  state.live?.stop();
  state.live = undefined;
  clearInterval(state.timer);
  state.refreshing?.abort();
}

function handleError(err, where, signal) {
  // Cancelled on purpose (a newer refresh, or signed out meanwhile): nothing to report.
  if (signal.aborted) return;
  if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
    signOut(err.message);
    return;
  }
  where.textContent = `Could not load: ${err.message}`;
}

/** Reloads the table and the open drill-down; a refresh still running is cancelled. */
async function refresh() {
  state.refreshing?.abort();
  const controller = new AbortController();
  state.refreshing = controller;
  const range = $('range').value;
  const selectedId = state.selectedId;
  await Promise.all([
    loadCampaigns({ range, sort: $('sort').value, selectedId, onSelect: select, signal: controller.signal }).catch((err) => handleError(err, $('campaigns-status'), controller.signal)),
    selectedId === undefined ? undefined : loadDetail({ campaignId: selectedId, range, signal: controller.signal }).catch((err) => handleError(err, $('detail-status'), controller.signal)),
  ]);
}

function select(campaignId) {
  state.selectedId = campaignId;
  for (const tr of $('campaigns-body').rows) {
    if (tr.dataset.campaignId === campaignId) tr.setAttribute('aria-current', 'true');
    else tr.removeAttribute('aria-current');
  }
  $('detail-status').textContent = 'Loading…';
  void refresh().then(() => $('detail-heading').focus());
}

function start() {
  $('key-panel').hidden = true;
  $('dashboard').hidden = false;
  $('forget-key').hidden = false;
  state.live = startLive({ onStatus: setStatus, onUnauthorized: signOut });
  void refresh();
  state.timer = setInterval(() => void refresh(), REFRESH_MS);
}

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('api-key').value.trim();
  if (key === '') return;
  storeKey(key);
  $('api-key').value = '';
  start();
});
$('forget-key').addEventListener('click', () => signOut(''));
$('range').addEventListener('change', () => void refresh());
$('sort').addEventListener('change', () => void refresh());
$('detail-close').addEventListener('click', () => {
  state.selectedId = undefined;
  closeDetail();
  void refresh();
});

if (storedKey()) start();
else showKeyPrompt();
