// Live figures from GET /v1/stream. EventSource cannot send an Authorization
// header, so the stream is read with fetch and parsed here. The connection is
// reopened after errors with a growing delay.

import { authHeaders } from './api.js';
import { fmtAge, fmtBytes, fmtInt, fmtRate } from './format.js';
import { readEvents } from './sse.js';

const $ = (id) => document.getElementById(id);

function showStats(body) {
  $('live-window').textContent = String(body.window_seconds);
  $('live-received').textContent = fmtRate(body.tenant.events_per_second_received);
  $('live-stored').textContent = fmtRate(body.tenant.events_per_second_stored);
  $('live-pending').textContent = fmtInt(body.tenant.pending_messages);
  $('live-age').textContent = fmtAge(body.tenant.newest_event_age_seconds);
  const updated = $('live-updated');
  updated.dataset.updates = String(Number(updated.dataset.updates) + 1);
  updated.textContent = `Updated ${new Date().toLocaleTimeString()}.`;
  const p = body.pipeline;
  $('pipeline').hidden = p === null;
  if (p !== null) {
    $('pipeline-in-rate').textContent = fmtRate(p.messages_in_per_second);
    $('pipeline-messages').textContent = fmtInt(p.stream_messages);
    $('pipeline-bytes').textContent = fmtBytes(p.stream_bytes);
    $('pipeline-pending').textContent = fmtInt(p.consumer_num_pending);
    $('pipeline-ack-pending').textContent = fmtInt(p.consumer_num_ack_pending);
    $('pipeline-redelivered').textContent = fmtInt(p.consumer_num_redelivered);
  }
}

/** Blanks the tiles, so figures of a previous key never show under a new one. */
export function clearStats() {
  for (const id of ['live-window', 'live-received', 'live-stored', 'live-pending', 'live-age']) $(id).textContent = '–';
  $('live-updated').textContent = '';
  $('pipeline').hidden = true;
}

/**
 * Keeps the stream open until `stop()`. `onStatus(text)` reports the
 * connection state; `onUnauthorized()` is called when the key is refused.
 */
export function startLive({ onStatus, onUnauthorized }) {
  const controller = new AbortController();
  let failures = 0;

  const connect = async () => {
    while (!controller.signal.aborted) {
      let retryMs;
      try {
        onStatus(failures === 0 ? 'Connecting…' : 'Reconnecting…');
        const res = await fetch('/v1/stream', { headers: { ...authHeaders(), accept: 'text/event-stream' }, signal: controller.signal, cache: 'no-store' });
        if (res.status === 401 || res.status === 403) {
          onUnauthorized((await res.json()).message);
          return;
        }
        if (res.status === 429) {
          onStatus('Too many dashboards open with this key; retrying shortly.');
          retryMs = 15_000;
        } else if (!res.ok) {
          throw new Error(`${res.status} ${res.statusText}`);
        } else {
          onStatus('Live');
          await readEvents(res, (event) => {
            failures = 0;
            if (event.type === 'stats') showStats(JSON.parse(event.data));
            else if (event.type === 'stats_error') onStatus('Live, but the server could not compute figures just now');
          });
          if (controller.signal.aborted) return;
          throw new Error('stream ended');
        }
      } catch (err) {
        if (controller.signal.aborted) return;
        failures++;
        onStatus(`Disconnected (${err.message}); reconnecting…`);
      }
      const delay = retryMs ?? Math.min(15_000, 500 * 2 ** Math.min(failures, 5));
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, delay);
        controller.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  };
  void connect();
  return { stop: () => controller.abort() };
}
